/**
 * MinHash signatures over word shingles and banded LSH, for finding near-duplicate and copy-paste posts.
 * Broder, "On the resemblance and containment of documents" (1997); banding as in Leskovec, Rajaraman &
 * Ullman, *Mining of Massive Datasets*, ch. 3.4: with b bands of r rows, a pair with Jaccard similarity s
 * becomes a candidate with probability 1 − (1 − s^r)^b (16 × 4: 0.5 → 0.65, 0.8 → 0.999).
 */

/** 32-bit FNV-1a hash of a string. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3 finaliser: a cheap, well-mixed 32-bit permutation. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashed word k-shingles of a word list (the whole list when it is shorter than k). */
export function shingles(wordList: readonly string[], k = 3): Set<number> {
  const out = new Set<number>();
  if (wordList.length === 0) return out;
  if (wordList.length < k) {
    out.add(fnv1a(wordList.join(' ')));
    return out;
  }
  for (let i = 0; i + k <= wordList.length; i++) out.add(fnv1a(wordList.slice(i, i + k).join(' ')));
  return out;
}

/** MinHash signature of `numHashes` values; hash i is mix32(shingle XOR seed_i). */
export function minhash(shingleSet: ReadonlySet<number>, numHashes = 64): Uint32Array {
  const sig = new Uint32Array(numHashes).fill(0xffffffff);
  for (const sh of shingleSet) {
    for (let i = 0; i < numHashes; i++) {
      const v = mix32(sh ^ mix32(i + 0x9e3779b9));
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

/** Fraction of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq += 1;
  return eq / a.length;
}

/**
 * Groups signatures whose estimated Jaccard similarity is at least `threshold`, using LSH (bands × rows =
 * signature length) to find candidates and union-find to merge them. Returns groups of indices (singletons
 * included), largest first.
 */
export function nearDuplicateGroups(sigs: readonly Uint32Array[], threshold = 0.6, bands = 16): number[][] {
  const parent = sigs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const rows = sigs.length > 0 ? Math.floor(sigs[0]!.length / bands) : 0;
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<string, number[]>();
    for (const [i, sig] of sigs.entries()) {
      const key = Array.from(sig.subarray(band * rows, (band + 1) * rows)).join(',');
      const list = buckets.get(key);
      if (list === undefined) buckets.set(key, [i]);
      else list.push(i);
    }
    for (const list of buckets.values()) {
      // All pairs in small buckets; a star around the first member in large ones (copy-paste floods).
      const heads = list.length <= 32 ? list.length - 1 : 1;
      for (let x = 0; x < heads; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const a = list[x]!;
          const b = list[y]!;
          if (find(a) !== find(b) && estimatedJaccard(sigs[a]!, sigs[b]!) >= threshold)
            parent[find(b)] = find(a);
        }
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < sigs.length; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g === undefined) groups.set(r, [i]);
    else g.push(i);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
}
