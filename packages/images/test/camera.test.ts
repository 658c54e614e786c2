import { cameraDetail, cameraLabel } from '@glimpse/images';
import { describe, expect, it } from 'vitest';

describe('camera labels (what the camera facet lists)', () => {
  it.each([
    ['Apple', 'iPhone 12', 'Apple iPhone 12'],
    ['Canon', 'Canon EOS 5D', 'Canon EOS 5D'],
    ['NIKON CORPORATION', 'NIKON D750', 'NIKON D750'],
    ['OLYMPUS IMAGING CORP.', 'E-M5', 'OLYMPUS E-M5'],
    ['EASTMAN KODAK COMPANY', 'KODAK EASYSHARE C713', 'KODAK EASYSHARE C713'],
    ['FUJIFILM', 'X-T4', 'FUJIFILM X-T4'],
    ['  Google ', ' Pixel   8 ', 'Google Pixel 8'],
    ['SONY', 'ILCE-7M3', 'SONY ILCE-7M3'],
    ['Apple', undefined, 'Apple'],
    [undefined, 'iPhone 12', 'iPhone 12'],
    ['Nikon, Inc', 'Coolpix, P1000', 'Nikon Coolpix P1000'],
    [undefined, undefined, null],
    ['', '  ', null],
  ])('%j + %j → %j', (make, model, label) => {
    expect(cameraLabel(make, model)).toBe(label);
  });

  it('keeps labels to 100 characters, and shows no camera block for EXIF that named nothing', () => {
    expect(cameraLabel('Make', 'M'.repeat(300))?.length).toBe(100);
    expect(cameraDetail({})).toBeNull();
    expect(cameraDetail(null)).toBeNull();
    expect(cameraDetail({ takenAt: '2024-05-06T07:08:09' })).toEqual({ make: null, model: null, lens: null, takenAt: '2024-05-06T07:08:09', label: null });
  });
});
