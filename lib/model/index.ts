export * from './types';
export * from './conf';
export * from './checks';
export * from './validate';
export * from './values';
export * from './operator-version';
export * from './dr-safety';
