/** The tags a Modality Worklist uses by name (PS3.4 Table K.6-1), as DICOM JSON keys. */
export const Tag = {
  SpecificCharacterSet: '00080005',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ReferringPhysicianName: '00080090',
  PatientName: '00100010',
  PatientID: '00100020',
  StudyInstanceUID: '0020000D',
  RequestedProcedureID: '00401001',
  ScheduledProcedureStepSequence: '00400100',
  ScheduledStationAETitle: '00400001',
  ScheduledProcedureStepStartDate: '00400002',
  ScheduledProcedureStepStartTime: '00400003',
  ScheduledProcedureStepEndDate: '00400004',
  ScheduledProcedureStepEndTime: '00400005',
  ScheduledPerformingPhysicianName: '00400006',
  ScheduledProcedureStepDescription: '00400007',
  ScheduledProtocolCodeSequence: '00400008',
  ScheduledProcedureStepID: '00400009',
  ScheduledStationName: '00400010',
  ScheduledProcedureStepLocation: '00400011',
  PreMedication: '00400012',
  ScheduledProcedureStepStatus: '00400020',
  CommentsOnTheScheduledProcedureStep: '00400400',
  RequestedContrastAgent: '00321070',
  StudyDate: '00080020',
  StudyTime: '00080030',
} as const;

/**
 * PS3.4 Table K.6-1 and PS3.3 C.4.10: the attributes of a Scheduled Procedure Step item. A query
 * whose Scheduled Procedure Step Sequence holds one empty item asks for all of them (C.2.2.2.6).
 */
export const SCHEDULED_STEP_RETURN_KEYS: readonly string[] = [
  Tag.Modality,
  Tag.RequestedContrastAgent,
  Tag.ScheduledStationAETitle,
  Tag.ScheduledProcedureStepStartDate,
  Tag.ScheduledProcedureStepStartTime,
  Tag.ScheduledProcedureStepEndDate,
  Tag.ScheduledProcedureStepEndTime,
  Tag.ScheduledPerformingPhysicianName,
  Tag.ScheduledProcedureStepDescription,
  Tag.ScheduledProcedureStepID,
  Tag.ScheduledStationName,
  Tag.ScheduledProcedureStepLocation,
  Tag.PreMedication,
  Tag.ScheduledProcedureStepStatus,
  Tag.CommentsOnTheScheduledProcedureStep,
];

/**
 * PS3.4 C.2.2.2.5: a DA attribute and the TM attribute it pairs with. When a query gives both,
 * they are matched as one date-time (so `20261126-20261127` with `220000-060000` is a night).
 */
export const DATE_TIME_PAIRS: Readonly<Record<string, string>> = {
  [Tag.ScheduledProcedureStepStartDate]: Tag.ScheduledProcedureStepStartTime,
  [Tag.ScheduledProcedureStepEndDate]: Tag.ScheduledProcedureStepEndTime,
  [Tag.StudyDate]: Tag.StudyTime,
};
