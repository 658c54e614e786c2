import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed image files of files/ (made by files/make-fixtures.sh): TIFF and GIF layouts
 * that libvips does not read as they are, refused ones, corrupt ones, and the picture they show.
 */
const FILES = join(import.meta.dirname, '../files');

/** One file, by its path below files/ (e.g. "tiff/old-jpeg.tif"). */
export function fixtureFile(path: string): Buffer {
  return readFileSync(join(FILES, path));
}

/** The image files of one folder of files/ ("tiff", "gif", "refused", "corrupt"), as paths for fixtureFile. */
export function fixtureFiles(folder: 'tiff' | 'gif' | 'refused' | 'corrupt'): string[] {
  return readdirSync(join(FILES, folder))
    .filter((name) => /\.(tif|gif)$/.test(name))
    .sort()
    .map((name) => `${folder}/${name}`);
}
