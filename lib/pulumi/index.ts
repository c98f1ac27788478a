export * from './cluster-snapshot';
export * from './disaster-recovery';
export * from './disaster-recovery-provider';
export * from './kubernetes-resources';
export * from './stack-config';
export * from './star-rocks-cluster-stack';
