'use strict';
/**
 * Call → Schedule and Wait for Outcome (operation `scheduleAndWait`) waiting on a worker: a stop
 * from the editor (REST `POST /rest/executions/<id>/stop`, as the editor's Stop button) reaches
 * the worker, and the execution ends as canceled.
 */
test.todo('Schedule and Wait for Outcome waiting on a worker: a stop from the editor reaches it (operation not in this checkout yet)');
