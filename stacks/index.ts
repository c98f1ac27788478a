/**
 * Entry point of the Pulumi program. Pulumi.yaml's `main` is its compiled form, build/stacks/index.js
 * (`npm run build`; `npm ci` runs it): the engine runs it with plain node in build/stacks/, and config paths resolve
 * against the project root the engine passes (see starrocks.ts). The exported object's properties are the outputs.
 */
import { starRocksStack } from './starrocks';

export = starRocksStack();
