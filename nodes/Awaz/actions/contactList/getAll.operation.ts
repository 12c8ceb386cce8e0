import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('contactList', '/v1/contact_lists');
