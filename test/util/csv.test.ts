import { expect } from 'chai';
import { DataError } from '../../lib/data/errors.js';
import { formatCsv, parseCsv } from '../../lib/util/csv.js';

describe('lib/util/csv: the one CSV writer and reader', () => {
  it('formatCsv quotes only fields with a comma, a quote or a line break, writes numbers with String and ends each row', async () => {
    const text = await formatCsv([
      ['name', 'value', 'flag', 'missing'],
      ['plain', 0.1 + 0.2, true, null],
      ['a,b', 1e-7, false, undefined],
      ['say "hi"', -3, 'x', ''],
      ['two\nlines', Number.NaN, 'cr\rhere', 'ok'],
    ]);
    expect(text).to.equal(
      'name,value,flag,missing\n' +
        'plain,0.30000000000000004,true,\n' +
        '"a,b",1e-7,false,\n' +
        '"say ""hi""",-3,x,\n' +
        '"two\nlines",NaN,"cr\rhere",ok\n',
    );
    expect(await formatCsv([])).to.equal('');
    expect(await formatCsv([['only']])).to.equal('only\n');
  });

  it('parseCsv reads back what formatCsv writes, with the line each record starts on', async () => {
    const rows = [
      ['id', 'label'],
      ['1', 'a,b'],
      ['2', 'multi\nline "quoted"'],
      ['3', 'plain'],
    ];
    const records = parseCsv(await formatCsv(rows), 'x.csv');
    expect(records.map((r) => r.fields)).to.deep.equal(rows);
    expect(records.map((r) => r.line)).to.deep.equal([1, 2, 3, 5]);
  });

  it('parseCsv names the file and line of a quote never closed', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n', 'bad.csv'))
      .to.throw(DataError)
      .with.property('message')
      .that.matches(/bad\.csv.*2/);
  });
});
