import { describe, expect, it } from 'vitest';
import { clustersFromLists, clusterWords, learnWordClusters } from '#shared/domain/sentiment/clusters.ts';
import {
  clusterBigramBucket,
  clusterBucket,
  clusterCode,
  extractFeatures,
  type FeatureConfig,
  SparseBuffer,
} from '#shared/domain/sentiment/features.ts';
import {
  assertNoClusterBlocks,
  ModelFormatError,
  TokenCache,
  WeightFileSchema,
} from '#shared/domain/sentiment/model.ts';
import { buildWeightFile, trainLinear, vectorize } from '#shared/domain/sentiment/train.ts';

/**
 * A corpus with two kinds of slot: pets appear between "saya pelihara" and "di rumah", vehicles between
 * "dia kendarai" and "ke kantor", never the other way round. Context words repeat in both templates'
 * own positions only, so distributional vectors must separate the two slot groups.
 */
function corpus(): string[] {
  const pets = ['kucing', 'anjing', 'kelinci'];
  const vehicles = ['mobil', 'motor', 'sepeda'];
  const texts: string[] = [];
  for (let i = 0; i < 12; i++) {
    for (const p of pets) texts.push(`saya pelihara ${p} di rumah`);
    for (const v of vehicles) texts.push(`dia kendarai ${v} ke kantor`);
  }
  texts.push('sekali lewat', 'sekali lewat');
  return texts;
}

describe('clustersFromLists', () => {
  it('indexes each word by its list position', () => {
    const c = clustersFromLists(['bagus enak', 'jelek']);
    expect([...c.index.entries()]).toEqual([
      ['bagus', 0],
      ['enak', 0],
      ['jelek', 1],
    ]);
    expect(c.lists).toEqual(['bagus enak', 'jelek']);
  });
});

describe('clusterWords', () => {
  it('keeps normalised words and drops punctuation and placeholders', () => {
    expect(clusterWords('Bagusss!!! harga 15rb, enak. https://x.co/a @budi')).toEqual([
      'bagus',
      'harga',
      'rb',
      'enak',
    ]);
  });
});

describe('learnWordClusters', () => {
  it('puts words of the same slot together and the two slots apart', () => {
    const c = learnWordClusters(corpus(), { clusters: 2, seed: 7, dimensions: 4 });
    const pet = c.index.get('kucing');
    const vehicle = c.index.get('mobil');
    expect(pet).toBeDefined();
    expect(c.index.get('anjing')).toBe(pet);
    expect(c.index.get('kelinci')).toBe(pet);
    expect(c.index.get('motor')).toBe(vehicle);
    expect(c.index.get('sepeda')).toBe(vehicle);
    expect(vehicle).not.toBe(pet);
  });

  it('leaves words seen fewer than minCount times unclustered', () => {
    const c = learnWordClusters(corpus(), { clusters: 2, seed: 7, dimensions: 4 });
    expect(c.index.has('sekali')).toBe(false);
    expect(
      learnWordClusters(corpus(), { clusters: 2, seed: 7, dimensions: 4, minCount: 2 }).index.has('sekali'),
    ).toBe(true);
  });

  it('is deterministic for a seed, and every vocabulary word is in exactly one list', () => {
    const a = learnWordClusters(corpus(), { clusters: 3, seed: 11, dimensions: 4 });
    const b = learnWordClusters(corpus(), { clusters: 3, seed: 11, dimensions: 4 });
    expect(b.lists).toEqual(a.lists);
    const words = a.lists.flatMap((l) => l.split(' ')).filter(Boolean);
    // 3 pets + 3 vehicles + 8 template words.
    expect(words).toHaveLength(14);
    expect(new Set(words).size).toBe(14);
  });

  it('returns no clusters for an empty corpus', () => {
    expect(learnWordClusters([], { clusters: 4, seed: 1 }).lists).toEqual([]);
  });
});

describe('cluster feature blocks', () => {
  const config: FeatureConfig = {
    hashBits: 12,
    word: 0,
    bigram: 0,
    char: 0,
    charMin: 2,
    charMax: 5,
    lexicon: 0,
    cluster: 1,
  };
  const clusters = new Map([
    ['bagus', 0],
    ['enak', 1],
  ]);

  it('codes a token by cluster and negation', () => {
    expect(clusterCode('bagus', clusters)).toBe(0);
    expect(clusterCode('neg_enak', clusters)).toBe(3);
    expect(clusterCode('zzz', clusters)).toBe(-1);
  });

  it('adds one feature per clustered token, scaled by 1/√(clustered tokens)', () => {
    const out = extractFeatures(['bagus', 'neg_enak', 'zzz'], 'id', config, new SparseBuffer(), clusters);
    expect(Array.from(out.index.subarray(0, out.size))).toEqual([clusterBucket(0, 12), clusterBucket(3, 12)]);
    expect(Array.from(out.value.subarray(0, out.size))).toEqual([
      Math.fround(1 / Math.SQRT2),
      Math.fround(1 / Math.SQRT2),
    ]);
  });

  it('adds cluster bigrams over every adjacent pair, unclustered tokens included, scaled by 1/√(n−1)', () => {
    const out = extractFeatures(
      ['bagus', 'neg_enak', 'zzz'],
      'id',
      { ...config, cluster: 0, clusterBigram: 2 },
      new SparseBuffer(),
      clusters,
    );
    expect(Array.from(out.index.subarray(0, out.size))).toEqual([
      clusterBigramBucket(0, 3, 12),
      clusterBigramBucket(3, -1, 12),
    ]);
    expect(Array.from(out.value.subarray(0, out.size))).toEqual([
      Math.fround(Math.SQRT2),
      Math.fround(Math.SQRT2),
    ]);
    expect(clusterBigramBucket(0, 3, 12)).not.toBe(clusterBigramBucket(3, 0, 12));
  });

  it('adds nothing without a cluster map', () => {
    expect(extractFeatures(['bagus', 'enak'], 'id', config, new SparseBuffer()).size).toBe(0);
  });

  it('trains with the clusters, ships their lists, and the inference path refuses the file', () => {
    const learnt = clustersFromLists(['bagus enak', 'jelek']);
    const examples = [
      { text: 'bagus', label: 'positive' as const, lang: 'id' },
      { text: 'jelek', label: 'negative' as const, lang: 'id' },
    ];
    const options = {
      features: config,
      epochs: 2,
      learningRate: 0.1,
      l2: 0,
      seed: 1,
      nbScaling: false,
      balanced: false,
    };
    const model = trainLinear(vectorize(examples, config, learnt), options, learnt);
    expect(model.clusters).toBe(learnt);
    const decision = { temperature: 1, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 };
    const file = WeightFileSchema.parse(buildWeightFile(model, 'm', '0.0.1', decision, {}));
    expect(file.clusters).toEqual(['bagus enak', 'jelek']);
    expect(() => assertNoClusterBlocks(file.features)).toThrow(ModelFormatError);
    expect(() => assertNoClusterBlocks({ ...config, cluster: 0 })).not.toThrow();
    expect(
      () =>
        new TokenCache({
          features: config,
          bias: new Float64Array(3),
          weights: new Int8Array(3 << 12),
          scale: 1,
        }),
    ).toThrow(/not computed by the embedded inference path/);
  });
});
