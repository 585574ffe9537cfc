/** The part of dcmjs (which ships no declarations) that ./command-set uses to write elements. */
declare module 'dcmjs' {
  interface DcmjsElement {
    vr: string;
    Value: Array<string | number>;
  }

  class WriteBufferStream {
    constructor(defaultSize?: number, littleEndian?: boolean);
    size: number;
    getBuffer(start?: number, end?: number): ArrayBuffer;
  }

  const DicomMessage: {
    /** Writes the elements in ascending tag order; returns the number of bytes written. */
    write(
      dataset: Record<string, DcmjsElement>,
      stream: WriteBufferStream,
      transferSyntaxUid: string,
      writeOptions: object,
    ): number;
    writeTagObject(
      stream: WriteBufferStream,
      tag: string,
      vr: string,
      values: Array<string | number>,
      transferSyntaxUid: string,
      writeOptions: object,
    ): void;
  };

  export const data: {
    DicomMessage: typeof DicomMessage;
    WriteBufferStream: typeof WriteBufferStream;
  };
}
