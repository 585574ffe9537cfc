import { createRequire } from 'node:module';

import { dictionaryVr, keywordOfTag, tagHex, tagLabel, tagOfKeyword } from './dictionary';

interface Entry {
  tag: string;
  vr: string;
  name: string;
}
const dcmjs = createRequire(__filename)('dcmjs') as {
  data: { DicomMetaDictionary: { dictionary: Record<string, Entry | undefined>; nameMap: Record<string, Entry> } };
};
const { dictionary, nameMap } = dcmjs.data.DicomMetaDictionary;

describe('dictionary', () => {
  it('agrees with the dcmjs dictionary keyed (gggg,eeee) on every keyword and VR', () => {
    let checked = 0;
    for (const keyword of Object.keys(nameMap)) {
      const key = nameMap[keyword].tag;
      const entry = dictionary[key];
      const tag = tagOfKeyword(keyword);
      expect(entry?.name).toBe(keyword);
      expect(tag === undefined ? undefined : tagLabel(tag)).toBe(key.toUpperCase());
      if (tag !== undefined && entry && /^[A-Z]{2}$/.test(entry.vr) && (tag & 0xffff) !== 0) {
        expect({ keyword, vr: dictionaryVr(tag) }).toEqual({ keyword, vr: entry.vr });
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(4000);
  });

  it.each([
    [0x00100010, 'PN'],
    [0x0020000d, 'UI'],
    [0x00280106, 'US'],
    [0x7fe00010, 'OW'],
    [0x60020010, 'US'],
    [0x00090010, 'LO'],
    [0x00091001, 'UN'],
    [0x00180000, 'UL'],
    [0x00980099, 'UN'],
  ])('resolves the Implicit VR of tag %i as %s', (tag, vr) => {
    expect({ tag: tagLabel(tag), vr: dictionaryVr(tag) }).toEqual({ tag: tagLabel(tag), vr });
  });

  it('maps keywords and tags both ways, repeating groups included', () => {
    expect(tagOfKeyword('StudyInstanceUID')).toBe(0x0020000d);
    expect(tagOfKeyword('NotAKeyword')).toBeUndefined();
    expect(keywordOfTag(0x60020010)).toBe('OverlayRows');
    expect(tagHex(0x0020000d)).toBe('0020000D');
    expect(tagLabel(0x7fe00010)).toBe('(7FE0,0010)');
  });
});
