/**
 * Builds the Pantau app for infra tests without bundling (context `aws:cdk:bundling-stacks: []`): handlers
 * that exist are used as entries, missing ones are replaced by a stub (NodejsFunction only needs the file to
 * exist when it does not bundle).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { handlerEntry } from '../../infra/bundling.ts';
import type { FunctionName } from '../../infra/config.ts';
import { createPantauApp, type PantauApp } from '../../infra/pantau-app.ts';

export const STUB_ENTRY = join(import.meta.dirname, 'fixtures', 'stub-handler.ts');

export function entryOrStub(name: FunctionName): string {
  const entry = handlerEntry(name);
  return existsSync(entry) ? entry : STUB_ENTRY;
}

/** A throwaway dashboard folder with one file. */
export function fakeDashboardDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-dashboard-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Pantau</title>');
  return dir;
}

export interface Built extends PantauApp {
  dataTemplate: Template;
  serviceTemplate: Template;
}

/** Build (not bundle) the app for `context` and return both templates. */
export function buildPantau(
  context: Record<string, unknown>,
  dashboardDir = '/nonexistent/dashboard',
): Built {
  const built = createPantauApp({
    // CDK's built-in CloudFormation schema validation (a WASM engine, ~4 s per app) stays on in `npm run synth`
    // and in the nag test; the assertion tests only need cdk-nag.
    appProps: {
      context: { 'aws:cdk:bundling-stacks': [], ...context },
      builtinCloudFormationValidation: false,
    },
    env: {},
    entry: entryOrStub,
    dashboardDir,
  });
  return {
    ...built,
    dataTemplate: Template.fromStack(built.data),
    serviceTemplate: Template.fromStack(built.service),
  };
}

export type CfnResource = { Type: string; Properties: Record<string, unknown>; [k: string]: unknown };

/** Resources of `type` in a template, keyed by logical id (`Properties` defaults to `{}`). */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  const found = template.findResources(type) as Record<string, Partial<CfnResource> & { Type: string }>;
  return Object.fromEntries(
    Object.entries(found).map(([id, r]) => [id, { ...r, Properties: r.Properties ?? {} }]),
  );
}

/** The one resource of `type`. @throws {Error} when there is not exactly one. */
export function onlyResource(template: Template, type: string): [string, CfnResource] {
  const entries = Object.entries(resourcesOf(template, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0] as [string, CfnResource];
}

/**
 * Resolve `{ "Fn::ImportValue": name }` in the service template to the data-stack expression it exports
 * (e.g. `{ "Fn::GetAtt": ["MentionsQueue…", "Arn"] }`), so cross-stack wiring can be checked.
 */
export function resolveImport(data: Template, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('Fn::ImportValue' in value)) return value;
  const exportName = (value as Record<string, unknown>)['Fn::ImportValue'];
  const outputs = data.toJSON()['Outputs'] as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const match = Object.values(outputs).find((o) => o.Export?.Name === exportName);
  if (!match) throw new Error(`No export named ${String(exportName)}`);
  return match.Value;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM statement of every AWS::IAM::Policy, with the logical ids of the roles it is attached to. */
export function iamStatements(
  template: Template,
): { policy: string; roles: string[]; statement: Statement }[] {
  return Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(([policy, r]) => {
    const props = r.Properties as { PolicyDocument: { Statement: Statement[] }; Roles?: { Ref: string }[] };
    const roles = (props.Roles ?? []).map((ref) => ref.Ref);
    return props.PolicyDocument.Statement.map((statement) => ({ policy, roles, statement }));
  });
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
