export * from './secrets';
export * from './serialize-provider';
export * from './fake-engine';
export * from './provider-host';
export * from './mocks';
