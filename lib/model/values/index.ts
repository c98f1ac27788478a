export * from './chart-defaults';
export * from './load';
export { mergeUserValues, coalesceOverDefaults } from './merge';
