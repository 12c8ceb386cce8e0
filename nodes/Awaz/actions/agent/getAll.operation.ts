import { AGENTS_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../listOperation';

export const getAll = unpagedListOperation('agent', AGENTS_PATH);
