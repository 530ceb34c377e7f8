/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). Context: `-c stage=dev|prod`, optional `account`, `region`,
 * `comprehendRegion`, `comprehend` (on|off), `alarmEmails`, `dashboard`, `dashboardOrigin`, `logLevel` (see docs/deploy.md).
 */
import { createPantauApp } from './pantau-app.ts';

createPantauApp().app.synth();
