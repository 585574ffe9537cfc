import { data } from 'dcmjs';
import { COMMAND_ELEMENT_VR, CommandElement, CommandElementName } from './command-elements';

const dictionary = data.DicomMetaDictionary.dictionary;

describe('command element VRs', () => {
  it.each(Object.keys(CommandElement) as CommandElementName[])('%s has the VR of the data dictionary (PS3.7 Annex E)', (name) => {
    const tag = `(0000,${CommandElement[name].toString(16).toUpperCase().padStart(4, '0')})`;
    expect(dictionary[tag]?.vr).toBe(COMMAND_ELEMENT_VR[name]);
  });
});
