import { AGENTS_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('agent', AGENTS_PATH);
