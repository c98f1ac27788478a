export * from './star-rocks-cluster';
export * from './star-rocks-cluster-chart';
