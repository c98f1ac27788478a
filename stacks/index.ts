/**
 * Entry point of the Pulumi program (`main` in Pulumi.yaml). Pulumi runs it with `node --import tsx` (see
 * Pulumi.yaml: the SDK's bundled ts-node 7 / TypeScript 3.8 cannot compile this project) from the project root.
 * The exported object's properties are the stack outputs.
 */
import { starRocksStack } from './starrocks';

export = starRocksStack();
