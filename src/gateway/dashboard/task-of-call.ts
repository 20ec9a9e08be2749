/**
 * The task a logged call belongs to on the dashboard: the same rule as the economics' (`taskOfCall` in the call
 * contract: router's classification, else declared task, else discovered task), re-exported for the dashboard's pages.
 */
export { taskOfCall } from '../../contracts/call-record.ts';
