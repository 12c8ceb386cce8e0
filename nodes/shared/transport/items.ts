import type { IDataObject } from 'n8n-workflow';

import type { AwazContext } from './connection';
import { unexpectedAnswer } from './errors';
import type { AwazRequest, RequestScope } from './types';
import { describeRequest } from './types';

/** An element of an answer as an output item's JSON: objects as they are, anything else as `value`. */
function asItemJson(element: unknown): IDataObject {
	return element && typeof element === 'object' && !Array.isArray(element)
		? (element as IDataObject)
		: { value: element as IDataObject[keyof IDataObject] };
}

/** The elements of a list response: `{"items": [...]}` or a bare array. */
export function listItems(
	ctx: AwazContext,
	body: unknown,
	request: AwazRequest,
	scope: RequestScope = {},
): IDataObject[] {
	const list = Array.isArray(body)
		? body
		: body && typeof body === 'object' && Array.isArray((body as IDataObject).items)
			? ((body as IDataObject).items as unknown[])
			: undefined;
	if (body === undefined) return [];
	if (!list) {
		throw unexpectedAnswer(
			ctx,
			scope,
			`Awaz answered ${describeRequest(request)} with something that is not a list`,
			`Expected {"items": [...]} or an array; got: ${JSON.stringify(body).slice(0, 120)}`,
		);
	}
	return list.map(asItemJson);
}

/** The output items for one answer: the body itself, or what was done when Awaz sent nothing. */
export function answerToJson(body: unknown, whenNoBody: IDataObject): IDataObject[] {
	if (Array.isArray(body) && body.length > 0) {
		return body.map(asItemJson);
	}
	if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) {
		return [body as IDataObject];
	}
	const isEmpty =
		body === undefined ||
		body === null ||
		body === '' ||
		(typeof body === 'object' && Object.keys(body).length === 0);
	return [isEmpty ? whenNoBody : { ...whenNoBody, response: body as IDataObject[string] }];
}
