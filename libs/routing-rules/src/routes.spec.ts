import { tagOfKeyword } from '@dicom-router/dicom-data';
import { compileCondition, ConditionError, ConditionEvaluationError, RuleSet, type InstanceFacts } from './index';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** An instance as the store path would describe it, attributes given by keyword. */
function instance(attributes: Record<string, string>, context: Partial<InstanceFacts> = {}): InstanceFacts {
  const map = new Map<number, { value: string }>();
  for (const [keyword, value] of Object.entries(attributes)) {
    const tag = tagOfKeyword(keyword);
    if (tag === undefined) throw new Error(`test uses an unknown keyword ${keyword}`);
    map.set(tag, { value });
  }
  return {
    callingAet: 'MODALITY',
    calledAet: 'DICOM-ROUTER',
    peerAddress: '10.1.2.3',
    source: 'association',
    sopClassUid: CT_IMAGE_STORAGE,
    sopInstanceUid: '1.2.3.4',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    attributes: map,
    ...context,
  };
}

describe('RuleSet', () => {
  const rules = RuleSet.compile([
    { name: 'ct-to-a', condition: 'modality == "CT"', destinations: ['PACS-A'] },
    { name: 'mr-to-b', condition: 'modality == "MR"', destinations: ['PACS-B'] },
  ]);

  it('sends CT to A, MR to B, and everything else nowhere', () => {
    expect(rules.destinationsFor(instance({ Modality: 'CT' }))).toEqual(['PACS-A']);
    expect(rules.destinationsFor(instance({ Modality: 'MR' }))).toEqual(['PACS-B']);
    expect(rules.destinationsFor(instance({ Modality: 'US' }))).toEqual([]);
    expect(rules.destinationsFor(instance({}))).toEqual([]);
  });

  it('reports every rule with its verdict, for a dry run', () => {
    expect(rules.evaluate(instance({ Modality: 'MR' }))).toEqual([
      { rule: 'ct-to-a', destinations: ['PACS-A'], matched: false },
      { rule: 'mr-to-b', destinations: ['PACS-B'], matched: true },
    ]);
  });

  it('names every bad rule, with what CEL says, in one error', () => {
    const attempt = (): RuleSet =>
      RuleSet.compile([
        { name: 'fine', condition: 'true', destinations: ['A'] },
        { name: 'broken-syntax', condition: 'modality = "CT"', destinations: ['A'] },
        { name: 'not-boolean', condition: 'modality', destinations: ['A'] },
      ]);
    expect(attempt).toThrow(ConditionError);
    expect(attempt).toThrow(/rule "broken-syntax": does not parse: .*found = but expecting/);
    expect(attempt).toThrow(/rule "not-boolean": must evaluate to true or false, but gives the string ""/);
    expect(attempt).not.toThrow(/"fine"/);
  });

  it('names each destination once when several rules send to it', () => {
    const overlapping = RuleSet.compile([
      { name: 'all', condition: 'true', destinations: ['ARCHIVE'] },
      { name: 'ct', condition: 'modality == "CT"', destinations: ['ARCHIVE', 'CT-AI'] },
    ]);
    expect(overlapping.destinationsFor(instance({ Modality: 'CT' }))).toEqual(['ARCHIVE', 'CT-AI']);
  });

  it('reports a rule that fails on one instance as an error, not as a match', () => {
    const numeric = RuleSet.compile([{ name: 'late-series', condition: 'int(attr("SeriesNumber")) > 100', destinations: ['A'] }]);
    expect(numeric.evaluate(instance({ SeriesNumber: '101' }))).toEqual([{ rule: 'late-series', destinations: ['A'], matched: true }]);
    const [verdict] = numeric.evaluate(instance({ SeriesNumber: 'abc' }));
    expect(verdict).toMatchObject({ rule: 'late-series', matched: false, error: expect.stringMatching(/abc/) });
  });
});

describe('compileCondition', () => {
  it('reads any attribute by keyword, by (gggg,eeee) and by ggggeeee', () => {
    const facts = instance({ PatientID: 'PAT-7', StudyDescription: 'CT THORAX' });
    expect(compileCondition('attr("PatientID") == "PAT-7"').matches(facts)).toBe(true);
    expect(compileCondition('attr("(0010,0020)") == "PAT-7"').matches(facts)).toBe(true);
    expect(compileCondition('attr("(0010,0020)") == attr("00100020")').matches(facts)).toBe(true);
    expect(compileCondition('attr("(0008,1030)").contains("THORAX")').matches(facts)).toBe(true);
    expect(compileCondition('attr("PatientID") == "OTHER"').matches(facts)).toBe(false);
  });

  it('gives an attribute that is not in the instance as an empty string, and hasAttr() false', () => {
    const facts = instance({ Modality: 'CT' });
    expect(compileCondition('attr("InstitutionName") == ""').matches(facts)).toBe(true);
    expect(compileCondition('institutionName == ""').matches(facts)).toBe(true);
    expect(compileCondition('hasAttr("InstitutionName")').matches(facts)).toBe(false);
    expect(compileCondition('hasAttr("Modality")').matches(facts)).toBe(true);
    expect(compileCondition('hasAttr("InstitutionName") && institutionName == ""').matches(instance({ InstitutionName: '' }))).toBe(true);
  });

  it('knows the association: calling and called AE title, peer address, source', () => {
    const facts = instance({}, { callingAet: 'CT01', calledAet: 'ROUTER', peerAddress: '192.168.4.20' });
    expect(compileCondition('callingAet == "CT01" && calledAet == "ROUTER"').matches(facts)).toBe(true);
    expect(compileCondition('peerAddress.startsWith("192.168.")').matches(facts)).toBe(true);
    expect(compileCondition('source == "association"').matches(facts)).toBe(true);
  });

  it('offers the named leading attributes and the SOP class as variables', () => {
    const facts = instance({ Modality: 'CT', StudyDescription: 'Thorax', InstitutionName: 'General Hospital' });
    expect(
      compileCondition(
        `sopClassUid == "${CT_IMAGE_STORAGE}" && studyDescription.lowerAscii().contains("thorax") && institutionName in ["General Hospital", "Clinic"]`,
      ).matches(facts),
    ).toBe(true);
    expect(compileCondition('modality.matches("^(CT|MR)$")').matches(facts)).toBe(true);
  });

  it('keeps a multi-valued attribute as encoded, values separated by backslash', () => {
    const facts = instance({ ImageType: 'ORIGINAL\\PRIMARY\\AXIAL' });
    expect(compileCondition('attr("ImageType").split("\\\\").exists(v, v == "PRIMARY")').matches(facts)).toBe(true);
  });

  it.each([
    ['a typo in a variable', 'modalty == "CT"', /unknown variable modalty \(known: callingAet, .*modality/],
    ['an unknown function', 'lower(modality) == "ct"', /unknown function lower\(\)/],
    ['an unknown keyword', 'attr("PatientsName") == ""', /attr\(\): "PatientsName" is neither a PS3.6 keyword/],
    ['a malformed tag', 'hasAttr("(0010,002G)")', /hasAttr\(\): "\(0010,002G\)" is neither/],
    ['a comparison of a string with a number', 'modality > 3', /no matching overload/],
    ['a result that is not true/false', 'modality == "CT" ? "yes" : "no"', /must evaluate to true or false, but gives the string "no"/],
    ['a syntax error', 'modality == "CT" &&', /does not parse/],
    ['an empty condition', '', /does not parse/],
  ])('rejects %s', (_what, expression, message) => {
    expect(() => compileCondition(expression)).toThrow(ConditionError);
    expect(() => compileCondition(expression)).toThrow(message);
  });

  it('accepts variables bound by macros', () => {
    expect(compileCondition('["CT", "MR"].exists(m, m == modality)').matches(instance({ Modality: 'MR' }))).toBe(true);
  });

  it('rejects an attribute name computed at run time that names nothing, when evaluated', () => {
    const condition = compileCondition('attr(studyDescription) == ""');
    expect(() => condition.matches(instance({ StudyDescription: 'not a keyword' }))).toThrow(ConditionEvaluationError);
    expect(() => condition.matches(instance({ StudyDescription: 'not a keyword' }))).toThrow(/"not a keyword" is neither/);
  });
});
