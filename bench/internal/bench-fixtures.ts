/**
 * What every benchmark path sends and expects, in one place so the direct path, our gateway and Portkey
 * see byte-identical requests: the chat request (a short, realistic billing question), the stand-in's
 * reply text, and the provider key the stand-in is called with.
 */

/** Short, so the stand-in's completion (usage details included) is close to the ~500 B of the issue. */
export const benchReplyText = 'The total of invoice 4417 is $42.17.';

/** The "provider" key: the stand-in accepts any, but gateways must pass one on. */
export const benchProviderKey = 'sk-bench-provider-key';

const requestFields = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are the billing assistant of an online shop. Answer in one sentence.' },
    { role: 'user', content: 'What is the total of invoice 4417?' },
  ],
  temperature: 0,
};

export const completionRequestBody = JSON.stringify(requestFields);

/** With `include_usage`, as SDK users who track cost send it. */
export const streamRequestBody = JSON.stringify({ ...requestFields, stream: true, stream_options: { include_usage: true } });
