/** One machine tag. `label` is normalised: lower case, singular ("dog", "car", "person"). */
export interface MachineLabel {
  label: string;
  confidence: number;
}

export interface TaggingResult {
  /**
   * Machine tags, most confident first, one per label: COCO objects that passed their
   * class's threshold, `person` when the person evidence agrees, `portrait` or `group`
   * from the faces of a tagged person. Never camera facts (make and model are
   * fields of the image, not tags).
   */
  labels: MachineLabel[];
  /** Faces of at least `FACE_MIN_CONFIDENCE` on an image tagged `person`; 0 otherwise. */
  faces: number;
  /** Colour names from the image's palette, most prominent first, at most 3. */
  colors: string[];
  moderation: { label: 'safe' | 'sensitive'; confidence: number };
  /**
   * Words read in the picture (signs, posters, pages, screenshots) by OCR, in reading
   * order, case kept; `text` is them joined with spaces. Empty where there is no text, or
   * when the tagger was made with `ocr: false`.
   */
  text: { words: string[]; text: string };
  /** Which models produced this, with versions, for provenance. */
  model: string;
}

export interface ImageTagger {
  /** `image` is an encoded JPEG/PNG/WebP (the worker passes the `medium` JPEG variant, <= 1280 px). */
  tag(image: Buffer): Promise<TaggingResult>;
  close(): Promise<void>;
}

export interface TaggerOptions {
  /**
   * Raise every object threshold to at least this (0–1). Without it each COCO class has
   * its own measured threshold (`objectThreshold`).
   */
  threshold?: number;
  /** Read the text in pictures (Tesseract, English). Default true. */
  ocr?: boolean;
}
