/** L2 normalisation for every embedder, so a dot product between any two vectors is their cosine. */

/** A unit-length copy of `values`; an all-zero (or non-finite) vector stays all zeros. */
export function l2Normalize(values: ArrayLike<number>): Float32Array {
  let sumOfSquares = 0;
  for (let index = 0; index < values.length; index++) sumOfSquares += (values[index] ?? 0) ** 2;
  const norm = Math.sqrt(sumOfSquares);
  const result = new Float32Array(values.length);
  if (norm === 0 || !Number.isFinite(norm)) return result;
  for (let index = 0; index < values.length; index++) result[index] = (values[index] ?? 0) / norm;
  return result;
}
