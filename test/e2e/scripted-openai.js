'use strict';
/**
 * A scripted OpenAI-compatible server on 127.0.0.1, standing in for the model behind n8n's
 * "OpenAI Chat Model" node (credential `openAiApi`, Base URL = `server.url`, which ends in /v1).
 * It answers what the test scripts, never anything clever, and keeps every request it receives,
 * so a test can read exactly what n8n's AI Agent sent: the messages, and the tools with their
 * names, descriptions and JSON-schema parameters.
 *
 *   const ai = await startScriptedOpenAi();
 *   ai.script = toolThenAnswer({ tool: /schedule/i, args: { Phone_Number: '+14155550123' },
 *                                answer: (toolResult) => `Done: ${toolResult}` });
 *   ... ai.requests[0].body.tools ...
 *   await ai.close();
 *
 * Endpoints: POST /v1/chat/completions (plain JSON, or server-sent events when the request says
 * `stream: true`), GET /v1/models. Anything else is 404 (the Responses API included: the chat
 * model node must be set to `responsesApiEnabled: false`). Plain Node, no dependencies.
 */
const http = require('node:http');

const MODEL = 'scripted-model';

/**
 * A script for one tool round trip: while the conversation has no tool result yet, call the tool
 * whose name matches `tool` with `args`; once a tool result is there, answer with
 * `answer(lastToolMessageContent, request)`.
 * @param {{ tool: RegExp | string, args: Record<string, unknown>, answer: (toolResult: string, request: any) => string }} options
 */
function toolThenAnswer({ tool, args, answer }) {
	return (request) => {
		const messages = request.messages ?? [];
		const toolMessages = messages.filter((message) => message.role === 'tool');
		if (toolMessages.length === 0) {
			const names = (request.tools ?? []).map((entry) => entry.function?.name);
			const name = names.find((candidate) =>
				typeof tool === 'string' ? candidate === tool : tool.test(candidate),
			);
			if (!name)
				return {
					content: `No tool matching ${tool} was offered; tools: ${names.join(', ') || 'none'}`,
				};
			return { toolCalls: [{ name, arguments: args }] };
		}
		const last = toolMessages[toolMessages.length - 1];
		return { content: answer(contentText(last.content), request) };
	};
}

/** A message's content as text (OpenAI allows a string or an array of text parts). */
function contentText(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** `{ content }` or `{ toolCalls }` (from a script) as an OpenAI chat.completion object. */
function completion(reply, sequence) {
	const id = `chatcmpl-scripted-${sequence}`;
	const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
		id: `call_scripted_${sequence}_${index}`,
		type: 'function',
		function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
	}));
	const message = toolCalls.length
		? { role: 'assistant', content: null, tool_calls: toolCalls }
		: { role: 'assistant', content: reply.content ?? '' };
	return {
		id,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same answer as chat.completion.chunk events, the way OpenAI streams it. */
function chunks(full, includeUsage) {
	const base = {
		id: full.id,
		object: 'chat.completion.chunk',
		created: full.created,
		model: full.model,
	};
	const { message, finish_reason: finishReason } = full.choices[0];
	const events = [
		{
			...base,
			choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
		},
	];
	if (message.tool_calls) {
		message.tool_calls.forEach((call, index) => {
			events.push({
				...base,
				choices: [
					{
						index: 0,
						delta: {
							tool_calls: [
								{
									index,
									id: call.id,
									type: 'function',
									function: { name: call.function.name, arguments: '' },
								},
							],
						},
						finish_reason: null,
					},
				],
			});
			events.push({
				...base,
				choices: [
					{
						index: 0,
						delta: { tool_calls: [{ index, function: { arguments: call.function.arguments } }] },
						finish_reason: null,
					},
				],
			});
		});
	} else {
		// A few pieces, so that a client that only shows the last chunk would be caught out.
		const words = String(message.content).split(/(?<= )/);
		for (const word of words)
			events.push({
				...base,
				choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
			});
	}
	events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
	if (includeUsage) events.push({ ...base, choices: [], usage: full.usage });
	return events;
}

/**
 * @param {{ port?: number, script?: (request: any) => { content?: string, toolCalls?: Array<{ name: string, arguments: object }> } }} [options]
 */
function startScriptedOpenAi({ port = 0, script } = {}) {
	const state = {
		url: '',
		/** Every request: `{ method, path, headers, body }`, body parsed when JSON. */
		requests: [],
		/** Only the POST /v1/chat/completions requests. */
		get completions() {
			return state.requests.filter(
				(request) => request.method === 'POST' && request.path === '/v1/chat/completions',
			);
		},
		/** What to answer; replace per test. */
		script: script ?? (() => ({ content: 'No script set.' })),
		clearLog() {
			state.requests.length = 0;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
	let sequence = 0;

	const server = http.createServer((req, res) => {
		const parts = [];
		req.on('data', (part) => parts.push(part));
		req.on('end', () => {
			const raw = Buffer.concat(parts).toString('utf8');
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = undefined;
			}
			const path = new URL(req.url, 'http://127.0.0.1').pathname.replace(/\/+$/, '');
			const logged = { method: req.method, path, headers: req.headers, body, time: Date.now() };
			state.requests.push(logged);
			const json = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};

			if (req.method === 'GET' && path === '/v1/models') {
				return json(200, {
					object: 'list',
					data: [{ id: MODEL, object: 'model', created: 1700000000, owned_by: 'e2e' }],
				});
			}
			if (req.method !== 'POST' || path !== '/v1/chat/completions') {
				return json(404, {
					error: {
						message: `The scripted server has no ${req.method} ${path}`,
						type: 'invalid_request_error',
					},
				});
			}
			if (!body || !Array.isArray(body.messages)) {
				return json(400, {
					error: { message: 'messages is required', type: 'invalid_request_error' },
				});
			}
			let reply;
			try {
				reply = state.script(body);
			} catch (error) {
				return json(500, {
					error: { message: `script failed: ${error.message}`, type: 'server_error' },
				});
			}
			sequence += 1;
			const full = completion(reply, sequence);
			logged.reply = full;
			if (!body.stream) return json(200, full);
			res.writeHead(200, {
				'content-type': 'text/event-stream',
				'cache-control': 'no-cache',
				connection: 'keep-alive',
			});
			for (const event of chunks(full, Boolean(body.stream_options?.include_usage)))
				res.write(`data: ${JSON.stringify(event)}\n\n`);
			res.end('data: [DONE]\n\n');
		});
	});

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			state.url = `http://127.0.0.1:${server.address().port}/v1`;
			resolve(state);
		});
	});
}

module.exports = { startScriptedOpenAi, toolThenAnswer, contentText, MODEL };
