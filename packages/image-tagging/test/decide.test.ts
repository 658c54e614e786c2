import { describe, expect, it } from 'vitest';
import { decideTags, FACE_MIN_CONFIDENCE, needsBodyCheck, objectThreshold, type Detections } from '@glimpse/image-tagging';

const labels = (d: Detections, floor?: number) => decideTags(d, floor).labels.map((l) => l.label);
const none: Detections = { objects: [], faces: [] };

describe('which detections become tags', () => {
  it('applies each class its own threshold', () => {
    expect(labels({ ...none, objects: [{ label: 'cat', score: 0.44 }, { label: 'dog', score: 0.44 }] })).toEqual(['cat']);
    expect(labels({ ...none, objects: [{ label: 'umbrella', score: 0.55 }, { label: 'tie', score: 0.31 }] })).toEqual(['tie']);
    expect(objectThreshold('umbrella')).toBeGreaterThan(objectThreshold('dog'));
    expect(objectThreshold('cat', 0.9)).toBe(0.9);
  });

  it('takes a face for a person only when a body backs it', () => {
    const face = { score: 0.88, area: 0.2 };
    expect(labels({ objects: [], faces: [face] })).toEqual([]);
    expect(decideTags({ objects: [], faces: [face] }).faces).toBe(0);
    expect(labels({ objects: [], faces: [face], bodies: [{ score: 0.1 }] })).toEqual([]);
    const backed = decideTags({ objects: [], faces: [face], bodies: [{ score: 0.55 }] });
    expect(backed.labels.map((l) => l.label)).toEqual(['portrait', 'person']);
    expect(backed.faces).toBe(1);
    expect(labels({ objects: [{ label: 'person', score: 0.7 }], faces: [{ score: FACE_MIN_CONFIDENCE - 0.01, area: 0.2 }] })).toEqual(['person']);
  });

  it('calls a small face in a crowd scene a person, not a portrait, and two faces a group', () => {
    expect(labels({ objects: [{ label: 'person', score: 0.67 }], faces: [{ score: 0.87, area: 0.008 }] })).toEqual(['person']);
    expect(labels({ objects: [{ label: 'person', score: 0.8 }], faces: [{ score: 0.9, area: 0.01 }, { score: 0.85, area: 0.01 }] })).toEqual(['group', 'person']);
  });

  it('asks the pose model only when the person evidence is in doubt, and believes it', () => {
    expect(needsBodyCheck({ objects: [{ label: 'person', score: 0.8 }], faces: [] })).toBe(false);
    expect(needsBodyCheck({ objects: [{ label: 'person', score: 0.1 }], faces: [] })).toBe(false);
    expect(needsBodyCheck({ objects: [{ label: 'person', score: 0.3 }], faces: [] })).toBe(true);
    expect(needsBodyCheck({ objects: [], faces: [{ score: 0.9, area: 0.1 }] })).toBe(true);
    expect(labels({ objects: [{ label: 'person', score: 0.3 }], faces: [], bodies: [{ score: 0.4 }] })).toEqual(['person']);
    expect(labels({ objects: [{ label: 'person', score: 0.3 }], faces: [], bodies: [{ score: 0.15 }] })).toEqual([]);
  });

  it('lists each label once at its best confidence, normalised, most confident first', () => {
    const result = decideTags({ ...none, objects: [{ label: 'car', score: 0.6 }, { label: 'car', score: 0.7 }, { label: 'potted plant', score: 0.9 }] });
    expect(result.labels).toEqual([{ label: 'plant', confidence: 0.9 }, { label: 'car', confidence: 0.7 }]);
  });
});
