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
