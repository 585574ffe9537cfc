#!/usr/bin/env python3
"""Write the PS3.6 reference tables in src/data/ from the tables pydicom ships.

    python3 libs/dicom-reference/scripts/generate.py           # rewrite the JSON
    python3 libs/dicom-reference/scripts/generate.py --check   # exit 1 if the JSON differs

Exit status 2 means pydicom cannot be imported (Debian package: python3-pydicom).
"""
import json
import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / 'src' / 'data'
# Debian's python3-pydicom installs here, which a pyenv/venv python3 does not search.
DEBIAN_DIST_PACKAGES = '/usr/lib/python3/dist-packages'

# Abstract syntaxes (PS3.7 D.3.3.2, PS3.8 7.1.1.13) are SOP Class and Meta SOP Class UIDs;
# well-known SOP instances, frames of reference, coding schemes etc. are never proposed.
ABSTRACT_SYNTAX_TYPES = ('SOP Class', 'Meta SOP Class')


def import_tables():
    try:
        import pydicom  # noqa: F401
    except ImportError:
        sys.path.append(DEBIAN_DIST_PACKAGES)
        try:
            import pydicom  # noqa: F401
        except ImportError:
            print('pydicom is not importable: install the Debian package python3-pydicom '
                  '(apt-get install python3-pydicom)', file=sys.stderr)
            sys.exit(2)
    import pydicom
    from pydicom._dicom_dict import DicomDictionary, RepeatersDictionary
    from pydicom._uid_dict import UID_dictionary
    return pydicom, UID_dictionary, DicomDictionary, RepeatersDictionary


def uid_key(uid):
    return tuple(int(part) for part in uid.split('.'))


def uid_rows(uid_dictionary, types):
    rows = []
    for uid, (name, uid_type, _info, retired, keyword) in uid_dictionary.items():
        if uid_type in types:
            rows.append({'uid': uid, 'name': name, 'keyword': keyword, 'retired': retired == 'Retired'})
    return sorted(rows, key=lambda row: uid_key(row['uid']))


def mask_tag(mask):
    # PS3.6 writes repeating groups as (60xx,0010): hex in upper case, the wildcard in lower case.
    text = ''.join('x' if c in 'xX' else c.upper() for c in mask)
    return '({},{})'.format(text[:4], text[4:])


def dictionary_rows(dicom_dictionary, repeaters_dictionary):
    entries = [('{:08X}'.format(tag), value) for tag, value in dicom_dictionary.items()]
    entries += list(repeaters_dictionary.items())
    rows = []
    for mask, (vr, vm, name, retired, keyword) in entries:
        rows.append({'tag': mask_tag(mask), 'keyword': keyword, 'name': name, 'vr': vr, 'vm': vm,
                     'retired': retired == 'Retired'})
    # A repeating group sorts where its first group (xx = 00) would.
    return sorted(rows, key=lambda row: (int(row['tag'][1:10].replace(',', '').replace('x', '0'), 16), row['tag']))


def render(header, rows):
    # One row per line: compact, yet a new edition shows up as a readable diff.
    lines = [json.dumps(row, separators=(',', ':'), ensure_ascii=False) for row in rows]
    head = json.dumps(header, separators=(',', ':'), ensure_ascii=False)
    return '{"header":' + head + ',"rows":[\n' + ',\n'.join(lines) + '\n]}\n'


def build():
    pydicom, uid_dictionary, dicom_dictionary, repeaters_dictionary = import_tables()
    edition = getattr(pydicom, '__dicom_version__', 'unknown')
    source = 'pydicom {} tables (DICOM edition {} as stated by pydicom)'.format(pydicom.__version__, edition)

    def header(selection):
        return {'source': source, 'pydicom': pydicom.__version__, 'dicomEdition': edition,
                'selection': selection, 'generator': 'libs/dicom-reference/scripts/generate.py'}

    return {
        'sop-classes.json': render(header('UID_dictionary entries of type SOP Class or Meta SOP Class'),
                                   uid_rows(uid_dictionary, ABSTRACT_SYNTAX_TYPES)),
        'transfer-syntaxes.json': render(header('UID_dictionary entries of type Transfer Syntax'),
                                         uid_rows(uid_dictionary, ('Transfer Syntax',))),
        'dictionary.json': render(header('DicomDictionary and RepeatersDictionary'),
                                  dictionary_rows(dicom_dictionary, repeaters_dictionary)),
    }


def main(argv):
    check = '--check' in argv[1:]
    outputs = build()
    stale = []
    for name, text in outputs.items():
        path = DATA_DIR / name
        current = path.read_text(encoding='utf-8') if path.exists() else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            path.write_text(text, encoding='utf-8')
            print('wrote', path)
    if stale:
        print('out of date with the installed pydicom: {} (regenerate with '
              'python3 libs/dicom-reference/scripts/generate.py)'.format(', '.join(stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
