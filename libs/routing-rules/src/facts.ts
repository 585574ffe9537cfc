import { CelScalar } from '@bufbuild/cel';

/**
 * What a routing condition knows about one stored instance. Everything is known once the instance
 * is durable: the association it came on, and the top-level attributes in front of Pixel Data that
 * the store path reads anyway (PS3.5 §7.1: elements are in ascending tag order, so patient, study,
 * series and equipment attributes precede (7FE0,0010)).
 */
export interface InstanceFacts {
  /** Calling AE title of the association; empty for a file intake. */
  readonly callingAet: string;
  /** Called AE title of the association; empty for a file intake. */
  readonly calledAet: string;
  /** IP address of the sending node; empty for a file intake. */
  readonly peerAddress: string;
  /** `association`, or `file-intake:<name>`. */
  readonly source: string;
  /** Affected SOP Class UID of the C-STORE (File Meta (0002,0002) for a file). */
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** Transfer syntax the data set is stored in. */
  readonly transferSyntaxUid: string;
  /**
   * Top-level attributes by tag (`(group << 16) | element`), their values as text: multiple values
   * joined by backslash as encoded (PS3.5 §6.4), empty for binary values and sequences.
   * `LeadingAttributes.elements` of @dicom-router/dicom-data fits as it is.
   */
  readonly attributes: ReadonlyMap<number, { readonly value: string }>;
}

/**
 * The variables a condition may use, all strings (empty when unknown), with the attribute each is
 * read from. The names follow the PS3.6 keywords in lowerCamelCase so that they read like the
 * standard; any other attribute is reached with `attr(...)`.
 */
export const ATTRIBUTE_VARIABLES = {
  modality: 'Modality',
  studyDescription: 'StudyDescription',
  seriesDescription: 'SeriesDescription',
  institutionName: 'InstitutionName',
  stationName: 'StationName',
  bodyPartExamined: 'BodyPartExamined',
  patientId: 'PatientID',
  accessionNumber: 'AccessionNumber',
  studyInstanceUid: 'StudyInstanceUID',
  seriesInstanceUid: 'SeriesInstanceUID',
} as const;

/** Variables taken from the facts themselves rather than from an attribute. */
export const CONTEXT_VARIABLES = [
  'callingAet',
  'calledAet',
  'peerAddress',
  'source',
  'sopClassUid',
  'sopInstanceUid',
  'transferSyntaxUid',
] as const;

export type VariableName = keyof typeof ATTRIBUTE_VARIABLES | (typeof CONTEXT_VARIABLES)[number];

export const VARIABLE_NAMES: readonly VariableName[] = [
  ...CONTEXT_VARIABLES,
  ...(Object.keys(ATTRIBUTE_VARIABLES) as (keyof typeof ATTRIBUTE_VARIABLES)[]),
];

/** CEL declarations of the variables: every one a string. */
export const VARIABLE_DECLARATIONS = Object.fromEntries(VARIABLE_NAMES.map((name) => [name, CelScalar.STRING])) as Record<
  VariableName,
  typeof CelScalar.STRING
>;
