/**
 * The package's main entry (`import ... from 'starrocks-dr'`): the model, the render functions and the cdk8s
 * constructs. The Pulumi component is `starrocks-dr/pulumi` (it loads @pulumi/pulumi, which cdk8s users need not
 * install), the CLI `starrocks-dr/cli`.
 */
export * from './model';
export * from './render';
export * from './constructs';
