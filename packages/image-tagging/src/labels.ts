/** The 80 COCO classes the object detector knows, as it names them. */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
] as const;

/** One spelling per label: lower case, singular, common synonyms folded. */
const ALIASES: Record<string, string> = {
  automobile: 'car',
  people: 'person',
  persons: 'person',
  tv: 'television',
  tvmonitor: 'television',
  'tv monitor': 'television',
  motorbike: 'motorcycle',
  aeroplane: 'airplane',
  sofa: 'couch',
  'dining table': 'table',
  'cell phone': 'phone',
  'mobile phone': 'phone',
  'potted plant': 'plant',
  pottedplant: 'plant',
  'hot dog': 'hotdog',
};

const IRREGULAR: Record<string, string> = { mice: 'mouse', children: 'child', men: 'man', women: 'woman', knives: 'knife', sheep: 'sheep', skis: 'ski' };

export function normaliseLabel(label: string): string {
  const cleaned = label.trim().toLowerCase().replace(/[_\s]+/g, ' ');
  if (ALIASES[cleaned]) return ALIASES[cleaned]!;
  const words = cleaned.split(' ');
  const last = words.pop()!;
  const singular =
    IRREGULAR[last] ??
    (/(ss|us|is)$/.test(last)
      ? last
      : /ies$/.test(last)
        ? `${last.slice(0, -3)}y`
        : /(sses|uses|ches|shes|xes|zes)$/.test(last)
          ? last.slice(0, -2)
          : /s$/.test(last)
            ? last.slice(0, -1)
            : last);
  const result = [...words, singular].join(' ');
  return ALIASES[result] ?? result;
}
