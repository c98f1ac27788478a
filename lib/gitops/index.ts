export * from './annotations';
export * from './construct-annotations';
export * from '../dr/next-form';
export * from './operator-resources';
export * from './tree-files';
