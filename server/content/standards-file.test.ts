import { describe, expect, it } from 'vitest';
import { gradeFromEducationLevel, parseCaseJson, parseCsvRecords, parseStandardsCsv } from './standards-file.js';

describe('reading standards from CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, and works out domains and clusters', () => {
    const csv = [
      'framework,code,grade,description,parent,caseId',
      'TX.Math,7.1,7,"Ratios, rates and ""proportions""",,',
      'TX.Math,7.1.A,7,Cluster A,7.1,',
      'TX.Math,7.1.A.1,7,"Find unit rates',
      'with fractions",7.1.A,abc-123',
      'TX.Math,7.1.A.1a,7,A sub-standard,7.1.A.1,',
      '',
    ].join('\r\n');
    const r = parseStandardsCsv(csv);
    expect(r.problems).toEqual([]);
    expect(r.standards).toEqual([
      { framework: 'TX.Math', code: '7.1', grade: '7', description: 'Ratios, rates and "proportions"', kind: 'domain' },
      { framework: 'TX.Math', code: '7.1.A', grade: '7', description: 'Cluster A', parent: '7.1', kind: 'cluster' },
      { framework: 'TX.Math', code: '7.1.A.1', grade: '7', description: 'Find unit rates\r\nwith fractions', parent: '7.1.A', caseId: 'abc-123', kind: 'standard' },
      { framework: 'TX.Math', code: '7.1.A.1a', grade: '7', description: 'A sub-standard', parent: '7.1.A.1', kind: 'standard' },
    ]);
  });

  it('numbers each record by the line it starts on', () => {
    const { records } = parseCsvRecords('a,b\n"x\ny",z\n\nlast,one');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('lists every bad line and keeps nothing', () => {
    const csv = [
      'framework,code,grade,description,parent,caseId',
      'CCSS.Math,9.X.1,9,Good one,,',
      'CCSS.Math,,9,No code,,',
      'CCSS.Math,9.X.2,9,Too,many,fields,here',
      'CCSS.Math,9.X.1,9,Duplicate,,',
      'CCSS.Math,9.X.3,9,"never closed,,',
    ].join('\n');
    const r = parseStandardsCsv(csv);
    expect(r.problems).toEqual([
      'line 3: code: is empty',
      'line 4: has 7 fields, the header has 6 (a description with commas must be in double quotes)',
      'line 5: code 9.X.1 (CCSS.Math) is already on line 2',
      'line 6: a quoted field is never closed (a " is missing)',
      'line 6: has 4 fields, the header has 6 (a description with commas must be in double quotes)',
    ]);
  });

  it('says which columns are missing or unknown', () => {
    expect(parseStandardsCsv('framework,code,level\nx,y,z').problems).toEqual([
      'line 1: column 3 "level" is not one of framework, code, grade, description, parent, caseId, kind',
      'line 1: missing columns grade, description (the first line must name the columns)',
    ]);
    expect(parseStandardsCsv('').problems[0]).toMatch(/^line 1: the file is empty/);
  });
});

const caseDoc = (over: Record<string, unknown> = {}) => ({
  CFDocument: { identifier: 'doc-1', title: 'State Math 2024' },
  CFItems: [
    { identifier: 'g7', fullStatement: 'Grade 7', educationLevel: ['07'] },
    { identifier: 'd1', humanCodingScheme: 'SM.7.RP', fullStatement: 'Ratios', educationLevel: ['07'], CFItemType: 'Domain' },
    { identifier: 's1', humanCodingScheme: 'SM.7.RP.1', fullStatement: 'Unit rates', educationLevel: ['07'] },
    { identifier: 's2', humanCodingScheme: 'SM.7.RP.2', fullStatement: 'Proportions', educationLevel: ['07', '08'] },
  ],
  CFAssociations: [
    { associationType: 'isChildOf', originNodeURI: { identifier: 'g7' }, destinationNodeURI: { identifier: 'doc-1' } },
    { associationType: 'isChildOf', originNodeURI: { identifier: 'd1' }, destinationNodeURI: { identifier: 'g7' } },
    { associationType: 'isChildOf', originNodeURI: { identifier: 's1' }, destinationNodeURI: { identifier: 'd1' } },
    { associationType: 'isChildOf', originNodeURI: { identifier: 's2' }, destinationNodeURI: { identifier: 'd1' } },
    { associationType: 'isRelatedTo', originNodeURI: { identifier: 's1' }, destinationNodeURI: { identifier: 's2' } },
  ],
  ...over,
});

describe('reading standards from a CASE package', () => {
  it('takes codes, statements, grades and parents, leaving out grouping nodes', () => {
    const r = parseCaseJson(JSON.stringify(caseDoc()), { framework: 'SM.Math' });
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual(['1 CFItems without a humanCodingScheme (grouping nodes) were left out']);
    expect(r.standards).toEqual([
      { framework: 'SM.Math', code: 'SM.7.RP', grade: '7', description: 'Ratios', caseId: 'd1', kind: 'domain' },
      { framework: 'SM.Math', code: 'SM.7.RP.1', grade: '7', description: 'Unit rates', caseId: 's1', parent: 'SM.7.RP', kind: 'standard' },
      { framework: 'SM.Math', code: 'SM.7.RP.2', grade: '7-8', description: 'Proportions', caseId: 's2', parent: 'SM.7.RP', kind: 'standard' },
    ]);
    expect(parseCaseJson(JSON.stringify(caseDoc())).standards[0]!.framework).toBe('State Math 2024');
  });

  it('lists problems by CFItems index', () => {
    const doc = caseDoc({
      CFItems: [
        { identifier: 's1', humanCodingScheme: 'A.1', educationLevel: ['07'] },
        { identifier: 's2', humanCodingScheme: 'A.2', fullStatement: 'Fine' },
        { identifier: 's3', humanCodingScheme: 'A.1', fullStatement: 'Same code', educationLevel: ['07'] },
      ],
      CFAssociations: [{ associationType: 'isChildOf', originNodeURI: { identifier: 's2' }, destinationNodeURI: { identifier: 'nowhere' } }],
    });
    expect(parseCaseJson(JSON.stringify(doc)).problems).toEqual([
      'CFItems[0] (s1): fullStatement is missing',
      'CFItems[1] (s2): educationLevel (the grade, e.g. ["07"]) is missing',
      'CFItems[2] (s3): humanCodingScheme A.1 is also CFItems[0]',
      'CFAssociations[0]: destinationNodeURI nowhere is not an item or the document in this file',
    ]);
    expect(parseCaseJson('not json').problems[0]).toMatch(/^the file is not valid JSON/);
    expect(parseCaseJson('{}').problems).toEqual(['CFDocument is missing: this does not look like a CASE package', 'CFItems is missing or not a list']);
  });

  it('turns education levels into grades', () => {
    expect(gradeFromEducationLevel(['KG'])).toBe('K');
    expect(gradeFromEducationLevel(['09', '10', '11', '12'])).toBe('9-12');
    expect(gradeFromEducationLevel([])).toBeUndefined();
  });
});
