<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnatomyView</name>
    <message>
        <source>Module</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>% of total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the current model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the config builder&apos;s model (meta device, no weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ArchitectureTab</name>
    <message>
        <source>Anatomy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config builder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention &amp;&amp; logit lens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type text to look inside the model (Ctrl+Enter runs it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the text through the model once and capture every head (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the current chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the Chat tab&apos;s conversation (with the model&apos;s replies) as the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logit lens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model changed while the text was running: press Run again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded. Pick one in the toolbar, or inspect the config builder&apos;s model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first (toolbar), then press Run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type some text first: the model needs at least one token to look at.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running the model with attention capture… (waits if the chat is using the model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{num_tokens} tokens{cut} · {num_layers} layers × {num_heads} heads ({num_kv_heads} key/value heads) · captured in {seconds:.2f} s · the model&apos;s next token: “{next_token_id}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not capture attention: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no Chat tab to take the conversation from: paste the text here instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The chat is empty: send a message in the Chat tab first, then take it here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AttentionView</name>
    <message>
        <source>Every head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average over heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>√ contrast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour by √weight so small weights stay visible (hover shows the exact value)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All heads for this token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export grid…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export heatmap…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Query token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BranchBar</name>
    <message>
        <source>Show the previous branch of the last reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which branch of the last reply is shown, of how many</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the next branch of the last reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branch from token {n0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply as first written</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>Message the model…  (Enter sends, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatLayout</name>
    <message>
        <source>chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>completion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chat: the model&apos;s chat template (turns). completion: the model continues the text as is (models trained here have no chat template).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What runs the model. Fast (ONNX int4): 4-bit weights on ONNX Runtime, several times faster on a CPU, slightly different text. Exact (ONNX fp32): full-precision weights on ONNX Runtime, the same greedy tokens as PyTorch, ~2x faster on a CPU. Exact (PyTorch): matches transformers token for token; runs on a GPU. Experimental (ONNX int8): 8-bit weights; may change greedy answers (it flips near-ties, the dotted tokens).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the system prompt: instructions placed before the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the conversation as the model reads it, split into its tokens (chat template and system prompt included); hover a token for its id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer one prompt under 2–4 sampling settings side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the conversation as a Markdown file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a saved conversation (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the conversation with its settings and token probabilities (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt (optional). Empty: the model&apos;s own default, if it has one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply (Esc); the text so far is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer the last message again (a new sample unless the seed is fixed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens in what you are typing, by this model&apos;s tokenizer (the chat template adds a few around each message)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decode speed, time to the first token and the engine of the last reply, why it ended, and its near-ties. {NEAR_TIE_LEGEND}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens the conversation uses of the model&apos;s context window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this token?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the model looked at to write the token charted here, and what each layer would have written (also: right-click a token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next-token distribution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✎ Editing message {n0}: Send replaces it and everything after it. Esc cancels.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatTab</name>
    <message>
        <source>Engine: {n0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model has no chat template.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Ask the model something. Each reply token is tinted by how likely it was: hover a token for the alternatives, click it for the whole distribution. A dotted token of a greedy reply is a near-tie: the runner-up was almost as likely.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This reply has branches: ‹ › under the chat switches between them (last reply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this token?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the model looked at to write this token, and what each layer predicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branch from here with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go on from this position with this token instead, as a new branch of the reply</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareColumn</name>
    <message>
        <source>The reply under these settings appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Compare sampling settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One prompt, answered under each setting below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same seed for every column, so only the settings differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next-token distribution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a token of a reply to see the distribution it was sampled from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>generating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{token_ids} tokens · {tokens_per_second:.1f} tokens/s · first token {time_to_first_token:.2f} s · {reason} · {engine}{steps}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped (stopped)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfigBuilder</name>
    <message>
        <source>Vocabulary V</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distinct tokens the model knows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size of every token&apos;s vector (hidden size)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many Transformer blocks are stacked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query heads h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention heads per layer; each gets d / h dimensions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key/value heads h_kv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Llama: query heads share fewer K/V heads (GQA) → a smaller KV cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MLP width f</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hidden size of the feed-forward network (GPT-2: 4·d)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context P</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest input, in tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tie the LM head to the token embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head width d_h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the Training tab with this architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show its anatomy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map this config&apos;s modules on the meta device (no weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start from the current model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Formulas exist for the GPT-2 and Llama families only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting on the meta device…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n0} Built on the meta device in {n1:.0f} ms without allocating weights: sum(p.numel()) = {n_params:,}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (formula: {formula:,})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>transformers could not build this config: {message}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DistillPanel</name>
    <message>
        <source>Student (same tokenizer as the current model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transformer blocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key/value heads (llama; 0 = one per head)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width of every token&apos;s vector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sequences per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens per sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T &gt; 1 softens the teacher&apos;s distribution so the student also learns how it ranks the unlikely tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of the loss from matching the teacher (KL); the rest is ordinary cross-entropy on the text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>built-in corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature T</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher share α</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distill a student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train the student on the current model&apos;s soft targets, then measure it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text to distil on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} ({embedding} in the embedding)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>load a model to count</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GuessMode</name>
    <message>
        <source>Guess the next token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For an audience: the reply pauses before every token; press Space (PageDown in presenter mode) to reveal it with its distribution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reveal the token (Space when focused); press again for the next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply first, then switch guess mode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Token %1&lt;/b&gt;: %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Guess the next token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press again for the next token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LearnPanel</name>
    <message>
        <source>Learn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up this lesson&apos;s live demo in the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No lessons found.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogitLensView</name>
    <message>
        <source>Each position costs one LM-head pass per layer; at most 64 at a time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run some text to see the answer form layer by layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positions from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running the logit lens…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{last} layers × {positions} positions in {seconds:.1f} s. Each cell: the next token the model would predict if it stopped after that layer (final norm + LM head). Stronger blue = more probable; bold = already the final answer; hover for the top 5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Model </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open GGUF file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a llama.cpp .gguf model file (converted once, then cached)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Device </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the model runs. GPUs appear when torch can see them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Precision </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number format of the weights: bfloat16 halves memory; it is faster on GPUs and on CPUs with native bf16, and its text leaves float32&apos;s after a few tokens. float16 is offered on GPUs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameter count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lower precision runs faster, but greedy replies can differ from float32 after a few tokens (measured on the built-in model).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory used by the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serve current model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serve the current model over an OpenAI-compatible API on this machine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy loading a model: {name} opens as soon as it is done…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a GGUF model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n_params} parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n_params:,} parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>faster, not exact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n0} used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model to serve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first, then choose File → Serve current model.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MeasurePanel</name>
    <message>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every variant answers this prompt greedily; the answers sit side by side.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens generated per answer (also what tokens/s is measured on).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held-out tokens scored for perplexity (more = steadier, slower).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>built-in text (pydoc topics)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure perplexity on your own .txt file instead of the built-in text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text to measure perplexity on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelSelector</name>
    <message>
        <source>The model every tab uses. Pick one to load it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open GGUF file…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OptimizeTab</name>
    <message>
        <source>Export the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compress &amp;&amp; measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make a variant for every ticked technique and measure it (and the original).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize &amp;&amp; prune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save variant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load into Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the report as a table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the raw numbers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop the selected row and free its model&apos;s memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop every row and free the variants&apos; memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first (toolbar, top left).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>Presenter mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Large fonts, high contrast, full screen; PageDown/PageUp step the scenes (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open scenes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 scenes. PageDown starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a scenes file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scene %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lessons with a live demo (F1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReplyController</name>
    <message>
        <source>Waiting for the first token… · {engine_name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branching from token {n0}… · {engine_name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generating… {steps} tokens · {rate:.1f} tokens/s · first token {elapsed:.2f} s · {engine}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last reply failed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Past runs. Select several (Ctrl/Shift-click) to overlay their loss curves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with this model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspect architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue the selected run exactly where its last checkpoint left off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not list the runs: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete {names} and its checkpoints from disk?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SampleView</name>
    <message>
        <source>Samples from the model appear here while it trains.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>0 (greedy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Divides the logits before softmax. Low = safe and repetitive, high = surprising. 0 always picks the most likely token (greedy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the k most likely tokens can be picked. 0 = off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nucleus sampling: only the most likely tokens whose probabilities add up to p can be picked. 1 = off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Above 1, tokens already in the conversation become less likely. 1 = off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The longest reply, in tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A fixed seed reproduces a sampled reply exactly. Lowest value = random.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slide past a full context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When prompt and reply fill the model&apos;s context, keep writing from its last context-length tokens (the oldest, the prompt first, are forgotten; each token past it re-reads the whole window). Off: the reply stops with “context full”. Small models trained here have learned positions: nothing exists past their context.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message>
        <source>The OpenAI base URL: give it to any OpenAI client (any API key works).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serves the current model to any OpenAI client on this machine (127.0.0.1 only). Requests run one at a time.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StageStrip</name>
    <message>
        <source>preprocess</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>init</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>forward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backprop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1: forward → loss %2 → backprop (gradient norm %3) → update (lr %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model built with random weights: %1 parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>preparing the data (tokenizing)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <source>Training assumptions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Matrix-multiply speed of this machine (measured; type your own, e.g. a GPU&apos;s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time a few 1024×1024 matrix multiplies on this device (about a second)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training tokens D: type 2.7B, 500M, …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>compute-optimal (20·N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mixed bf16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training tokens D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch B × length T</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;No model yet. Load one from the toolbar, or pick a preset.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TechniquePanel</name>
    <message>
        <source>activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Techniques</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick one or more; each makes a variant of the current model (the model itself is never changed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Magnitude pruning: the fraction of each layer&apos;s weights set to zero (0–0.99). {safe:g} keeps the built-in model usable; from 0.35 on it breaks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head pruning: query heads removed in every layer (the least important ones).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MLP pruning: the fraction of hidden channels removed in every layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How heads/channels are ranked. activation: their measured contribution on a little calibration text; weight: the norms of their weights (no data).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight-only int8/int4: how many weights share one scale. Smaller groups are more accurate and cost a little more memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads to remove / layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MLP channels to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group size</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenDistributionChart</name>
    <message>
        <source>Click a token of a reply to see the distribution it was sampled from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click another token to branch the reply from here with it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt;: sampled &lt;b&gt;{sampled}&lt;/b&gt;&lt;br&gt;raw softmax {sampled_raw:.1%} → {sampled_final:.1%} with the settings now ({kept:,} of {vocab_size:,} tokens can be picked)&lt;br&gt;&lt;i&gt;Axis 0–{scale} %, kept while this token is shown.&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n0} raw softmax &amp;nbsp; {n1} after your settings &amp;nbsp; {n2} sampled &amp;nbsp; &lt;i&gt;cut&lt;/i&gt; = removed by top-k/top-p</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenInspector</name>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt;: running the model…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenPiecesView</name>
    <message>
        <source>Each token has its own tint (two alternate, so every boundary shows); bold purple: control tokens of the chat template; red: unknown (&lt;unk&gt;); ‹e8 8d›: bytes of a character cut across tokens. · is a space, ↵ a newline, ⇥ a tab. Hover a token for its id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n0}{more} · vocabulary {vocab_size:,}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenizerPage</name>
    <message>
        <source>Spelling: strawberry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chinese costs more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Python code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model never sees letters, only token ids: to it “strawberry” is a few tokens, so counting its r&apos;s means remembering how each token is spelled. Characters make every letter a token, but text gets long, and any character the corpus never had is &lt;unk&gt;. A BPE trained on English gives Chinese 3 byte tokens per character: the same sentence costs several times more tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type text to see how each tokenizer splits it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put an example in the box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The current model&apos;s tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Byte-level BPE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded: pick one in the toolbar to see its tokenizer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training a small BPE on the built-in corpus (once, about a second)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tokens</name>
    <message>
        <source>Dotted underline: a near-tie, a greedy pick whose runner-up was almost as likely (at least 90% as likely); a small change, such as another engine or int8 weights, can flip it and everything after it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokensController</name>
    <message>
        <source>{count:,} token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count:,} tokens</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainConfigPanel</name>
    <message>
        <source>Train from scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fine-tune the current model (all weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fine-tune the current model (LoRA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built-in English corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synthetic task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text file (.txt/.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder of text files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat file (JSONL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Byte-level BPE (trained on the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer race: SGD, Momentum, RMSprop, Adam</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From scratch builds a new model; fine-tuning starts from the model selected in the toolbar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model (from scratch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transformer blocks stacked on top of each other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention heads; must divide the width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key/value heads (Llama grouped-query attention); 0 = one per head. Must divide the heads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>= heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedding width (n_embd / hidden_size)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MLP hidden width; 0 = automatic (4× width for GPT-2, ≈ 8/3× for Llama)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest sequence the model reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FFN width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LoRA adapters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rank of each adapter (A: d×r, B: r×d)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scale: the adapter is multiplied by alpha/r</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear layers that get adapters, e.g. q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file or folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reverse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digits per example (per number for &apos;add&apos;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many tokens the BPE tokenizer learns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BPE vocab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Peak learning rate (arrows halve/double it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Constant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up + cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps of linear warm-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L2 weight decay (decoupled for AdamW)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L1 penalty: pushes weights to exactly zero</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clip the gradient norm to this; 0 = off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sequences per micro-batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Micro-batches per optimizer step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps between validation losses (0 = never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps between samples (0 = never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same seed + same settings = the same run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bfloat16 autocast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight decay (L2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L1 penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grad accumulation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validate every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trains the same small GPT four times, once per optimizer (each with a learning rate that suits it), and overlays their loss curves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a folder of .txt/.md files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose training data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base model: &lt;b&gt;{base_label}&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vocab ≈ {vocab:,}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the synthetic task&apos;s tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BPE tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>char tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vocabulary {spec:,} → {vocab:,} ({why})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{n}&lt;/b&gt; parameters ({n1:,}, {n2})&lt;br&gt;Training memory ≈ &lt;b&gt;{total}&lt;/b&gt; (weights {weights}, optimizer {optimizer}, activations {activations})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted exactly from the architecture; memory is an estimate.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>x axis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log scale (y)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export metrics as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export plots as PNG</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingTab</name>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export run config…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open config…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a preset and press Start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Architecture from the Architecture tab&apos;s config builder. Its vocabulary is replaced by the one the tokenizer learns from the data (see below). Check the data and optimizer settings, then press Start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting {n0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a new run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused. Press Resume to continue, or Stop to save a checkpoint and end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping: saving a checkpoint…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training {name}: {n_params:,} parameters ({trainable_params:,} trained) · {data_description}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another model is loading; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export run config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run config</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VariantActionsMixin</name>
    <message>
        <source>This variant is the Chat tab&apos;s fast engine (ONNX Runtime), kept in the app&apos;s cache and used automatically for this model: there is no model folder to save. Use Load into Chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the selected variant as a model folder (safetensors + JSON).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make the selected variant the current model (saves it first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with the current model on this fast engine: selects it in the Chat tab&apos;s Engine box.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WhyAttentionView</name>
    <message>
        <source>Every head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One row per layer and head instead of each layer&apos;s mean over its heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention when writing “{n0}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the position that wrote it attends to: {what}. Click a row to tint the text by it; hover for the exact weight, wheel to zoom.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;small&gt;Tinted by {which}; reading the boxed token, the model wrote “{n1}”.&lt;/small&gt;&lt;br&gt;&lt;div style=&apos;line-height:150%&apos;&gt;{parts}&lt;/div&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WhyLensView</name>
    <message>
        <source>Logit lens: “{n0}” {target_ranks}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What each layer would write if the model stopped there (final norm + LM head). First column: the chance and rank of the token written; then each layer&apos;s top predictions, tinted by probability; bold = the token written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WhyToken</name>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt; · {token_ids} tokens{cut} · {seconds:.2f} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WhyTokenPanel</name>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide this panel (Why this token? opens it again)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>layout</name>
    <message>
        <source>Samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
