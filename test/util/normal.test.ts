import { expect } from 'chai';
import { errorFunction } from 'simple-statistics';
import { erfc, normalCdf, normalPdf } from '../../lib/util/normal.js';

/** Reference values from Python's math.erfc (correctly rounded to double). */
const ERFC: [number, number][] = [
  [0, 1],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [2, 0.004677734981047265],
  [3, 2.2090496998585438e-5],
  [5, 1.5374597944280351e-12],
  [-1, 1.842700792949715],
  [-3, 1.9999779095030015],
];

const relative = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('lib/util/normal: erfc and the normal CDF, once', () => {
  it('erfc matches reference values to 1.2e-7 relative error, in the tails too', () => {
    for (const [x, want] of ERFC) expect(relative(erfc(x), want), `erfc(${x})`).to.be.below(1.2e-7);
  });

  it('normalCdf and normalPdf match reference values; the far tail stays positive and accurate', () => {
    expect(relative(normalCdf(1.96), 0.9750021048517795)).to.be.below(1e-7);
    expect(normalCdf(0)).to.be.closeTo(0.5, 6e-8);
    expect(relative(normalCdf(-10), 7.619853024160593e-24)).to.be.below(1.2e-7);
    expect(relative(normalPdf(1), 0.24197072451914337)).to.be.below(1e-15);
    expect(normalCdf(2) + normalCdf(-2)).to.be.closeTo(1, 1e-7);
  });

  it('is why simple-statistics is not used here: 1 - errorFunction loses the tail that erfc keeps', () => {
    expect(1 - errorFunction(7)).to.equal(0);
    expect(erfc(7)).to.be.above(0);
    expect(relative(erfc(7), 4.183825607779414e-23)).to.be.below(1.2e-7);
  });
});
