/** An identity label of an image (a person). Labels are compared by value; 7 and '7' are different identities. */
export type IdentityLabel = string | number;

/** A protected-group label of an image (perceived sex, race, ...). Labels are compared by `String(label)`. */
export type GroupLabel = string | number;

/**
 * Embeddings of a set of images: either one array per image, or one flat row-major array with `dim` values
 * per image (what a tensor's `dataSync()` gives).
 */
export type EmbeddingMatrix = Float32Array | Float64Array | readonly (readonly number[])[];

/** A labelled set of face embeddings. */
export interface LabelledEmbeddings {
  embeddings: EmbeddingMatrix;
  /** Values per image; required when `embeddings` is flat, checked against the rows otherwise. */
  dim?: number;
  /** Identity label of every image, aligned with the embeddings. */
  identities: readonly IdentityLabel[];
}

/**
 * Cosine similarities of images `start` (inclusive) to `end` (exclusive) of the query set against every
 * image of the gallery, row-major, (end - start) x galleryCount. Lets a caller compute the blocks elsewhere
 * (e.g. a tf.matMul on an accelerator); the values must be dot products of L2-normalised embeddings.
 */
export type SimilarityBlock = (start: number, end: number) => ArrayLike<number>;

export interface IdentityRankOptions {
  /** Query images per block of similarities (memory is blockSize x N numbers). Default 64. */
  blockSize?: number;
  /** Replaces the built-in similarity computation, see SimilarityBlock. */
  similarityBlock?: SimilarityBlock;
}
