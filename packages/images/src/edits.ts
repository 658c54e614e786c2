import { GlimpseError } from '@glimpse/errors';

/**
 * Simple edits: rotate, flip, crop. An image keeps its original untouched and a stack of
 * edits; every version of its variants is rendered from the original through the whole
 * stack, so undo is exact and repeated edits never lose quality.
 *
 * One edit is applied in this order: `crop` (a rectangle in full-resolution pixels of the
 * image as it looks before this edit), then `rotate` (clockwise), then the flips.
 */
export interface CropRectangle {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ImageEdit {
  rotate?: 90 | 180 | 270;
  flipHorizontal?: boolean;
  flipVertical?: boolean;
  crop?: CropRectangle;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * The whole stack reduced to what a renderer does: cut `crop` out of the upright original,
 * mirror it left to right when `flipHorizontal`, then turn it `quarterTurns` × 90° clockwise.
 */
export interface EditPlan {
  crop: CropRectangle;
  flipHorizontal: boolean;
  quarterTurns: 0 | 1 | 2 | 3;
  /** The size of the result. */
  size: Size;
}

/** How many edits an image may stack (undo pops one). */
export const MAX_EDITS = 50;

/** p ↦ M·p + b on pixel-edge coordinates; M is one of the 8 symmetries of the square. */
interface Placement {
  m: [number, number, number, number];
  b: [number, number];
}

const apply = ({ m, b }: Placement, x: number, y: number): [number, number] => [m[0] * x + m[1] * y + b[0], m[2] * x + m[3] * y + b[1]];
const then = (outer: Placement, inner: Placement): Placement => {
  const [a, b, c, d] = outer.m;
  const [e, f, g, h] = inner.m;
  return { m: [a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h], b: apply(outer, inner.b[0], inner.b[1]) };
};
const swapsAxes = (p: Placement) => p.m[0] === 0;

const QUARTER_TURN = (size: Size): Placement => ({ m: [0, -1, 1, 0], b: [size.height, 0] });
const MIRROR = (size: Size): Placement => ({ m: [-1, 0, 0, 1], b: [size.width, 0] });
const UPSIDE_DOWN = (size: Size): Placement => ({ m: [1, 0, 0, -1], b: [0, size.height] });

/** Refuses an edit that cannot apply to an image of `size` (as edited so far), naming the field. */
export function checkEdit(edit: ImageEdit, size: Size): void {
  const crop = edit.crop;
  if (!crop) return;
  const right = crop.left + crop.width;
  const bottom = crop.top + crop.height;
  if (right > size.width) {
    throw new GlimpseError('INVALID_INPUT', `edit.crop: left + width is ${right}, past the right edge of the ${size.width}×${size.height} image (as edited so far)`, 'edit.crop');
  }
  if (bottom > size.height) {
    throw new GlimpseError('INVALID_INPUT', `edit.crop: top + height is ${bottom}, past the bottom edge of the ${size.width}×${size.height} image (as edited so far)`, 'edit.crop');
  }
}

/** The stack as one crop of the upright original and one symmetry; checks every edit on the way. */
export function planEdits(original: Size, edits: readonly ImageEdit[]): EditPlan {
  let crop: CropRectangle = { left: 0, top: 0, width: original.width, height: original.height };
  // Maps the crop's own coordinates (0..crop.width, 0..crop.height) to the edited image's.
  let placement: Placement = { m: [1, 0, 0, 1], b: [0, 0] };
  let size: Size = { ...original };
  for (const edit of edits) {
    checkEdit(edit, size);
    if (edit.crop) {
      const { left, top, width, height } = edit.crop;
      const inverse = invert(placement);
      const [x0, y0] = apply(inverse, left, top);
      const [x1, y1] = apply(inverse, left + width, top + height);
      const [minX, minY] = [Math.min(x0, x1), Math.min(y0, y1)];
      crop = { left: crop.left + minX, top: crop.top + minY, width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
      // The new crop's origin sits at (minX, minY) of the old one; the edited image now starts at (left, top).
      placement = then({ m: [1, 0, 0, 1], b: [-left, -top] }, then(placement, { m: [1, 0, 0, 1], b: [minX, minY] }));
      size = { width, height };
    }
    for (let turn = 0; turn < (edit.rotate ?? 0) / 90; turn++) {
      placement = then(QUARTER_TURN(size), placement);
      size = { width: size.height, height: size.width };
    }
    if (edit.flipHorizontal) placement = then(MIRROR(size), placement);
    if (edit.flipVertical) placement = then(UPSIDE_DOWN(size), placement);
  }
  // The linear part as "mirror first, then turn": M = R^k·F^f.
  const [a, b, c, d] = placement.m;
  const mirrored = a * d - b * c < 0;
  const [p, q, r, s] = mirrored ? [-a, b, -c, d] : [a, b, c, d]; // M·F
  const turns = p === 1 && s === 1 ? 0 : q === -1 && r === 1 ? 1 : p === -1 && s === -1 ? 2 : 3;
  if (swapsAxes(placement) !== (turns % 2 === 1)) throw new Error('edit plan: inconsistent symmetry');
  return { crop, flipHorizontal: mirrored, quarterTurns: turns, size };
}

/** The size of the image after the stack (checked as `planEdits` does). */
export const editedSize = (original: Size, edits: readonly ImageEdit[]): Size => planEdits(original, edits).size;

function invert({ m, b }: Placement): Placement {
  // Symmetries of the square are orthogonal: the inverse is the transpose.
  const t: Placement['m'] = [m[0], m[2], m[1], m[3]];
  const inverse: Placement = { m: t, b: [0, 0] };
  const [x, y] = apply(inverse, b[0], b[1]);
  return { m: t, b: [-x, -y] };
}
