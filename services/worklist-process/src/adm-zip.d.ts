/** The part of adm-zip (which ships no declarations) that the archive import uses. */
declare module 'adm-zip' {
  namespace AdmZip {
    interface IZipEntry {
      entryName: string;
      isDirectory: boolean;
      getData(): Buffer;
    }
  }
  class AdmZip {
    constructor(data?: Buffer);
    getEntries(): AdmZip.IZipEntry[];
    addLocalFolder(localPath: string, zipPath?: string): void;
    toBuffer(): Buffer;
  }
  export = AdmZip;
}
