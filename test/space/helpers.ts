// Fixtures and an independent oracle for the nested test space (written from the fixture by hand,
// not from lib/space, so the sampling tests check the implementation against the rules themselves).
import { fileURLToPath } from 'node:url';
import { Space } from '../../lib/space/index.js';
import type { Configuration } from '../../lib/space/index.js';

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function repositoryPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

export function nestedSpace(): Space {
  return Space.fromFile(fixturePath('nested.space.json'));
}

/** Which hyperparameters of nested.space.json must be active, from the conditions as written there. */
export function nestedActiveSet(config: Configuration): Set<string> {
  const active = new Set(['model', 'seed']);
  const model = config.model;
  if (model === 'mlp' || model === 'cnn') active.add('layers');
  if (model === 'mlp') active.add('units');
  if (model !== 'tree') {
    active.add('activation');
    active.add('optimizer');
    active.add('lr');
  }
  if (model === 'cnn') active.add('kernel');
  if (model === 'cnn' && config.kernel !== 1) active.add('dilation');
  if (model === 'tree') active.add('depth');
  if (config.optimizer === 'sgd' && active.has('layers') && (config.layers as number) < 7) active.add('momentum');
  if (active.has('momentum') && (config.momentum as number) > 0.5) active.add('nesterov');
  if (active.has('layers') && (model === 'mlp' || (config.layers as number) > 3)) active.add('dropout');
  return active;
}

/** The forbidden clauses of nested.space.json, by hand. */
export function nestedIsForbidden(config: Configuration): boolean {
  return (
    (config.model === 'cnn' && config.activation === 'tanh') ||
    config.kernel === 7 ||
    (config.optimizer === 'sgd' && typeof config.units === 'number' && config.units <= 20) ||
    (typeof config.dilation === 'number' && typeof config.layers === 'number' && config.dilation > config.layers)
  );
}

const onGrid = (value: number, lower: number, step: number): boolean => Math.abs((value - lower) / step - Math.round((value - lower) / step)) < 1e-9;
const isInt = (value: unknown, lower: number, upper: number): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= lower && value <= upper;
const isFloat = (value: unknown, lower: number, upper: number): boolean => typeof value === 'number' && value >= lower && value <= upper;

/** Whether a value is legal for its hyperparameter in nested.space.json, by hand. */
export function nestedValueIsLegal(name: string, value: unknown): boolean {
  switch (name) {
    case 'model': return ['mlp', 'cnn', 'tree'].includes(value as string);
    case 'layers': return isInt(value, 1, 8);
    case 'units': return isInt(value, 16, 1024);
    case 'activation': return ['relu', 'tanh', 'gelu'].includes(value as string);
    case 'kernel': return [1, 3, 5, 7].includes(value as number);
    case 'dilation': return isInt(value, 1, 4);
    case 'depth': return isInt(value, 2, 20) && (value as number) % 2 === 0;
    case 'optimizer': return value === 'adam' || value === 'sgd';
    case 'lr': return isFloat(value, 1e-5, 1);
    case 'momentum': return isFloat(value, 0, 0.99) && onGrid(value as number, 0, 0.01);
    case 'nesterov': return value === true || value === false;
    case 'dropout': return isFloat(value, 0, 0.9);
    case 'seed': return value === 7;
    default: return false;
  }
}
