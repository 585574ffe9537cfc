/** The part of dcmjs (which ships no declarations) that this library uses: its data dictionary. */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }

  export const data: {
    DicomMetaDictionary: {
      /** Keyed by `(gggg,eeee)`. */
      dictionary: Record<string, DictionaryEntry>;
    };
  };
}
