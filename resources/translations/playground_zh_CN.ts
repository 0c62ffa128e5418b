<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnatomyView</name>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>% of total</source>
        <translation>占总数 %</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>the current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>the config builder&apos;s model (meta device, no weights)</source>
        <translation>配置构建器的模型（meta 设备，无权重）</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>0 (tied)</source>
        <translation>0（绑定）</translation>
    </message>
    <message>
        <source>This module&apos;s weight is the same tensor as {module}&apos;s: counted once, there.</source>
        <translation>这个模块的权重与 {module} 的是同一个张量：只在那里计一次。</translation>
    </message>
</context>
<context>
    <name>ArchitectureTab</name>
    <message>
        <source>Anatomy</source>
        <translation>结构剖析</translation>
    </message>
    <message>
        <source>Config builder</source>
        <translation>配置构建器</translation>
    </message>
    <message>
        <source>Attention &amp;&amp; logit lens</source>
        <translation>注意力与 logit 透镜</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Type text to look inside the model (Ctrl+Enter runs it)</source>
        <translation>输入文本以查看模型内部（Ctrl+Enter 运行）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run the text through the model once and capture every head (Ctrl+Enter)</source>
        <translation>让文本通过模型一次，并捕获每个注意力头（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Take the current chat</source>
        <translation>使用当前对话</translation>
    </message>
    <message>
        <source>Use the Chat tab&apos;s conversation (with the model&apos;s replies) as the input</source>
        <translation>将“对话”标签页中的对话（含模型回复）作为输入</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Logit lens</source>
        <translation>Logit 透镜</translation>
    </message>
    <message>
        <source>Load a model, type some text and press Run.</source>
        <translation>加载模型，输入一些文本，然后按“运行”。</translation>
    </message>
    <message>
        <source>The model changed while the text was running: press Run again.</source>
        <translation>文本运行期间模型已更换：请再按一次“运行”。</translation>
    </message>
    <message>
        <source>The model changed: press Run to look inside the new one.</source>
        <translation>模型已更换：按“运行”查看新模型的内部。</translation>
    </message>
    <message>
        <source>The model changed: press Run.</source>
        <translation>模型已更换：请按“运行”。</translation>
    </message>
    <message>
        <source>{family} block × {layers}</source>
        <translation>{family} 块 × {layers}</translation>
    </message>
    <message>
        <source>The config builder&apos;s model cannot be built: {error}</source>
        <translation>无法构建配置构建器中的模型：{error}</translation>
    </message>
    <message>
        <source>No model loaded. Pick one in the toolbar, or inspect the config builder&apos;s model.</source>
        <translation>未加载模型。请在工具栏中选择一个，或查看配置构建器中的模型。</translation>
    </message>
    <message>
        <source>Mapping the modules…</source>
        <translation>正在映射模块…</translation>
    </message>
    <message>
        <source>on the meta device (no weights allocated)</source>
        <translation>在 meta 设备上（不分配权重）</translation>
    </message>
    <message>
        <source>on the real model</source>
        <translation>在真实模型上</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt; · {type_name} · {n_params} parameters · output shapes for a sample input of 1 × {tokens} tokens, {where}</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt; · {type_name} · {n_params} 个参数 · 输出形状来自 1 × {tokens} 个词元的示例输入，{where}</translation>
    </message>
    <message>
        <source>Could not map the modules: {message}</source>
        <translation>无法映射模块：{message}</translation>
    </message>
    <message>
        <source>Load a model first (toolbar), then press Run.</source>
        <translation>请先（从工具栏）加载模型，再按“运行”。</translation>
    </message>
    <message>
        <source>Type some text first: the model needs at least one token to look at.</source>
        <translation>请先输入一些文本：模型至少需要一个词元才能查看。</translation>
    </message>
    <message>
        <source>Running the model with attention capture… (waits if the chat is using the model)</source>
        <translation>正在运行模型并捕获注意力…（如果对话正在使用模型，会等待）</translation>
    </message>
    <message>
        <source> (the first {count} tokens were cut to fit)</source>
        <translation>（为适应上下文，截掉了开头 {count} 个词元）</translation>
    </message>
    <message>
        <source>{num_tokens} tokens{cut} · {num_layers} layers × {num_heads} heads ({num_kv_heads} key/value heads) · captured in {seconds:.2f} s · the model&apos;s next token: “{next_token_id}”</source>
        <translation>{num_tokens} 个词元{cut} · {num_layers} 层 × {num_heads} 个头（{num_kv_heads} 个键/值头）· 捕获用时 {seconds:.2f} 秒 · 模型的下一个词元：“{next_token_id}”</translation>
    </message>
    <message>
        <source>Could not capture attention: {message}</source>
        <translation>无法捕获注意力：{message}</translation>
    </message>
    <message>
        <source>The logit lens failed: {message}</source>
        <translation>Logit 透镜失败：{message}</translation>
    </message>
    <message>
        <source>There is no Chat tab to take the conversation from: paste the text here instead.</source>
        <translation>没有可获取对话的“对话”标签页：请直接把文本粘贴到这里。</translation>
    </message>
    <message>
        <source>The chat is empty: send a message in the Chat tab first, then take it here.</source>
        <translation>对话为空：请先在“对话”标签页发送一条消息，再在这里使用它。</translation>
    </message>
    <message>
        <source>measured on {device}, {size}² {dtype} matmul</source>
        <translation>在 {device} 上测得，{size}² {dtype} 矩阵乘法</translation>
    </message>
    <message>
        <source>a guess: measuring failed ({message})</source>
        <translation>估计值：测量失败（{message}）</translation>
    </message>
</context>
<context>
    <name>AttentionGrid</name>
    <message>
        <source>Layer {layer}, {head}. Click to open it.</source>
        <translation>第 {layer} 层，{head}。单击打开。</translation>
    </message>
</context>
<context>
    <name>AttentionView</name>
    <message>
        <source>Every head</source>
        <translation>每个头</translation>
    </message>
    <message>
        <source>Average over heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>√ contrast</source>
        <translation>√ 对比度</translation>
    </message>
    <message>
        <source>Colour by √weight so small weights stay visible (hover shows the exact value)</source>
        <translation>按 √权重 着色，让小权重也可见（悬停显示精确值）</translation>
    </message>
    <message>
        <source>All heads for this token</source>
        <translation>此词元的所有注意力头</translation>
    </message>
    <message>
        <source>Export grid…</source>
        <translation>导出网格…</translation>
    </message>
    <message>
        <source>Export heatmap…</source>
        <translation>导出热力图…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>  Query token</source>
        <translation>  查询词元</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>the mean of its {heads} heads</source>
        <translation>其 {heads} 个头的平均</translation>
    </message>
    <message>
        <source>head {head} (key/value head {kv_head} of {kv_heads})</source>
        <translation>头 {head}（键/值头 {kv_head}，共 {kv_heads} 个）</translation>
    </message>
    <message>
        <source>Layer {layer}, mean of {heads} heads</source>
        <translation>第 {layer} 层，{heads} 个头的平均</translation>
    </message>
    <message>
        <source>Layer {layer}, head {head} (shares key/value head {kv_head})</source>
        <translation>第 {layer} 层，头 {head}（共用键/值头 {kv_head}）</translation>
    </message>
    <message>
        <source> · rows: queries, columns: keys</source>
        <translation> · 行：查询，列：键</translation>
    </message>
    <message>
        <source>What token {query} “{token}” attends to, in every layer and head</source>
        <translation>词元 {query}“{token}”在每一层、每个头中关注什么</translation>
    </message>
    <message>
        <source>Click a token to follow it.</source>
        <translation>单击一个词元，查看它的注意力。</translation>
    </message>
    <message>
        <source>Tinted by how much “{token}” attends to each earlier token.</source>
        <translation>颜色表示“{token}”对之前每个词元的注意力有多大。</translation>
    </message>
    <message>
        <source>Export as PNG</source>
        <translation>导出为 PNG</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
</context>
<context>
    <name>BasicsCore</name>
    <message>
        <source>Bowl</source>
        <translation>碗形</translation>
    </message>
    <message>
        <source>A round bowl, L = (x² + y²)/2: every optimizer finds the bottom.</source>
        <translation>圆形的碗，L = (x² + y²)/2：每个优化器都能找到碗底。</translation>
    </message>
    <message>
        <source>Elongated valley</source>
        <translation>狭长山谷</translation>
    </message>
    <message>
        <source>Steep across, shallow along (curvatures 4 and 0.05). SGD zig-zags across and crawls along; momentum builds up speed along the valley, adaptive rates rescale each direction.</source>
        <translation>横向陡峭、纵向平缓（曲率 4 和 0.05）。SGD 横向来回震荡、纵向缓慢爬行；动量沿山谷方向不断加速，自适应学习率则对每个方向分别缩放。</translation>
    </message>
    <message>
        <source>Rosenbrock</source>
        <translation>Rosenbrock 函数</translation>
    </message>
    <message>
        <source>L = (1 − x)² + 100 (y − x²)²: a curved, nearly flat valley floor with the minimum at (1, 1). Easy to reach the valley, hard to follow it.</source>
        <translation>L = (1 − x)² + 100 (y − x²)²：弯曲且几乎平坦的谷底，最小值在 (1, 1)。到达谷底容易，沿谷底前进困难。</translation>
    </message>
    <message>
        <source>Saddle</source>
        <translation>鞍点</translation>
    </message>
    <message>
        <source>A saddle point at the origin between two minima at (0, ±1). Starting almost on the ridge, the gradient across is tiny: SGD lingers near the saddle, adaptive methods escape quickly.</source>
        <translation>原点处是鞍点，两侧最小值位于 (0, ±1)。起点几乎在山脊上，横向梯度极小：SGD 在鞍点附近徘徊，自适应方法则很快逃离。</translation>
    </message>
    <message>
        <source>Noisy gradients</source>
        <translation>带噪声的梯度</translation>
    </message>
    <message>
        <source>An oval bowl whose gradient carries seeded random noise, as a mini-batch gradient does. No optimizer settles on the minimum: each ends in a jittering cloud around it, tighter for smaller steps (Momentum&apos;s steps are about η/(1 − β), ten times SGD&apos;s at β = 0.9).</source>
        <translation>椭圆形的碗，其梯度带有（固定种子的）随机噪声，就像小批量梯度一样。没有优化器能停在最小值上：每个都在其周围抖动成一团，步长越小越集中（动量的步长约为 η/(1 − β)，β = 0.9 时是 SGD 的十倍）。</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Steps straight down the slope: long steps where it is steep, tiny ones where it is flat.</source>
        <translation>沿坡度直接向下走：陡处步子大，平处步子小。</translation>
    </message>
    <message>
        <source>v remembers past gradients: it builds up speed along any direction that persists and cancels zig-zags.</source>
        <translation>v 记住过去的梯度：在持续的方向上不断加速，并抵消来回震荡。</translation>
    </message>
    <message>
        <source>Divides each coordinate by all its past gradients: steep directions slow down, and every step shrinks over time.</source>
        <translation>每个坐标除以其全部历史梯度：陡峭方向会放慢，且每一步随时间越来越小。</translation>
    </message>
    <message>
        <source>Like AdaGrad, but forgets old gradients: its steps do not shrink for ever.</source>
        <translation>与 AdaGrad 类似，但会遗忘旧梯度：步长不会一直缩小。</translation>
    </message>
    <message>
        <source>Momentum (m) divided by RMSprop&apos;s running size (v); m̂ and v̂ undo the zero start of the first steps.</source>
        <translation>动量 (m) 除以 RMSprop 的滑动幅度 (v)；m̂ 和 v̂ 修正最初几步从零开始带来的偏差。</translation>
    </message>
</context>
<context>
    <name>BasicsPlot</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
</context>
<context>
    <name>BasicsTab</name>
    <message>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>手写数字</translation>
    </message>
    <message>
        <source>Optimizer paths</source>
        <translation>优化器路径</translation>
    </message>
</context>
<context>
    <name>BasicsViews</name>
    <message>
        <source>Hidden neurons appear here while it trains.</source>
        <translation>训练时，隐藏层神经元会显示在这里。</translation>
    </message>
    <message>
        <source>Layer {n}</source>
        <translation>第 {n} 层</translation>
    </message>
    <message>
        <source>What each hidden neuron sees</source>
        <translation>每个隐藏神经元看到的内容</translation>
    </message>
    <message>
        <source>Draw a digit (left button); right-click to clear</source>
        <translation>用左键画一个数字；右键清空</translation>
    </message>
    <message>
        <source>True label {true}, the network said {predicted} ({confidence} sure)</source>
        <translation>真实标签 {true}，网络判断为 {predicted}（置信度 {confidence}）</translation>
    </message>
</context>
<context>
    <name>BlockDiagram</name>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>× {n} layers</source>
        <translation>× {n} 层</translation>
    </message>
    <message>
        <source>layer {layer} of {n}</source>
        <translation>第 {layer} 层（共 {n} 层）</translation>
    </message>
    <message>
        <source>{count} per layer</source>
        <translation>每层 {count}</translation>
    </message>
    <message>
        <source>Load a model or pick a preset to see its parts.</source>
        <translation>加载一个模型或选择一个预设，查看它的组成部分。</translation>
    </message>
    <message>
        <source>→ next-token probabilities (softmax over V)</source>
        <translation>→ 下一个词元的概率（对 V 做 softmax）</translation>
    </message>
    <message>
        <source>{count} per layer&lt;br&gt;× {n} layers = {total}</source>
        <translation>每层 {count}&lt;br&gt;× {n} 层 = {total}</translation>
    </message>
</context>
<context>
    <name>BranchBar</name>
    <message>
        <source>Show the previous branch of the last reply</source>
        <translation>显示最后一条回复的上一个分支</translation>
    </message>
    <message>
        <source>Which branch of the last reply is shown, of how many</source>
        <translation>显示的是最后一条回复的第几个分支，共几个</translation>
    </message>
    <message>
        <source>Show the next branch of the last reply</source>
        <translation>显示最后一条回复的下一个分支</translation>
    </message>
    <message>
        <source>Branch from token {n0}</source>
        <translation>从第 {n0} 个词元分支</translation>
    </message>
    <message>
        <source>The reply as first written</source>
        <translation>最初写出的回复</translation>
    </message>
</context>
<context>
    <name>Branching</name>
    <message>
        <source>Branching at token {number}: click a token of the new branch to see its distribution.</source>
        <translation>正在从第 {number} 个词元分支：单击新分支中的词元查看其分布。</translation>
    </message>
    <message>
        <source>A reply is streaming: wait for it to end (or press Stop), then click the token again to branch.</source>
        <translation>回复正在生成：等它结束（或按“停止”），再单击该词元来分支。</translation>
    </message>
    <message>
        <source>No model is loaded yet. Pick one in the Model list at the top.</source>
        <translation>还没有加载模型。请在顶部的“模型”列表中选择一个。</translation>
    </message>
    <message>
        <source>Only the last reply can branch: the turns after this one answered it as it is. To go another way from here, edit your message after it.</source>
        <translation>只有最后一条回复可以分支：之后的对话轮次是针对它原样作答的。想从这里换一条路，请编辑它后面你的消息。</translation>
    </message>
    <message>
        <source>This reply was saved without its tokens, so it cannot branch. Regenerate it first.</source>
        <translation>这条回复保存时没有带上词元，所以不能分支。请先重新生成它。</translation>
    </message>
    <message>
        <source>That reply was written by another model. Load it again to branch it.</source>
        <translation>这条回复是另一个模型写的。请重新加载那个模型再分支。</translation>
    </message>
    <message>
        <source>“{token}” is the token the reply already has there: click another one to branch.</source>
        <translation>“{token}”就是回复在这里已有的词元：请单击另一个词元来分支。</translation>
    </message>
    <message>
        <source>“{token}” would end the reply there: click a token to go on with.</source>
        <translation>“{token}”会让回复在这里结束：请单击一个可以继续写下去的词元。</translation>
    </message>
    <message>
        <source>Branch {number} of {count} is shown. Click one of its tokens to see its distribution.</source>
        <translation>正在显示第 {number} 个分支（共 {count} 个）。单击其中的词元查看其分布。</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>Message the model…  (Enter sends, Shift+Enter for a new line)</source>
        <translation>给模型发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>ChatLayout</name>
    <message>
        <source>chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>completion</source>
        <translation>续写</translation>
    </message>
    <message>
        <source>chat: the model&apos;s chat template (turns). completion: the model continues the text as is (models trained here have no chat template).</source>
        <translation>对话：使用模型的对话模板（按轮次）。续写：模型按原样续写文本（这里训练的模型没有对话模板）。</translation>
    </message>
    <message>
        <source>What runs the model. Fast (GGUF): the model file&apos;s own 4-bit blocks with int8 activations, as llama.cpp computes: the fastest on a CPU, slightly different text at near-ties. Exact (GGUF): the same blocks with float32 activations, the same greedy tokens as PyTorch. Fast (ONNX int4): weights re-quantized to 4 bits on ONNX Runtime, for models that are not a GGUF. Exact (ONNX fp32): full-precision weights on ONNX Runtime, the same greedy tokens as PyTorch. Exact (PyTorch): matches transformers token for token; runs on a GPU. Experimental (ONNX int8): 8-bit weights; may change greedy answers (it flips near-ties, the dotted tokens).</source>
        <translation>由什么来运行模型。快速 (GGUF)：模型文件自带的 4 位量化块，激活为 int8，与 llama.cpp 的算法相同：在 CPU 上最快，在势均力敌处文字可能略有不同。精确 (GGUF)：同样的量化块，激活为 float32，贪心解码的词元与 PyTorch 相同。快速 (ONNX int4)：在 ONNX Runtime 上把权重重新量化为 4 位，用于不是 GGUF 的模型。精确 (ONNX fp32)：在 ONNX Runtime 上使用全精度权重，贪心解码的词元与 PyTorch 相同。精确 (PyTorch)：与 transformers 逐词元一致；可在 GPU 上运行。实验性 (ONNX int8)：8 位权重；可能改变贪心解码的回答（它会翻转势均力敌的选择，即带虚线的词元）。</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示</translation>
    </message>
    <message>
        <source>Show the system prompt: instructions placed before the conversation</source>
        <translation>显示系统提示：放在对话之前的指令</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Show the conversation as the model reads it, split into its tokens (chat template and system prompt included); hover a token for its id</source>
        <translation>按模型读取的方式显示对话，切分为词元（包括对话模板和系统提示）；悬停词元可查看其 id</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <source>Answer one prompt under 2–4 sampling settings side by side</source>
        <translation>用 2–4 组采样设置并排回答同一个提示</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export the conversation as a Markdown file</source>
        <translation>将对话导出为 Markdown 文件</translation>
    </message>
    <message>
        <source>Open a saved conversation (JSON)</source>
        <translation>打开已保存的对话（JSON）</translation>
    </message>
    <message>
        <source>Save the conversation with its settings and token probabilities (JSON)</source>
        <translation>保存对话及其设置和词元概率（JSON）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>开始新对话</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>System prompt (optional). Empty: the model&apos;s own default, if it has one.</source>
        <translation>系统提示（可选）。留空：使用模型自带的默认提示（如果有）。</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the reply (Esc); the text so far is kept</source>
        <translation>停止回复（Esc）；已生成的文本会保留</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Answer the last message again (a new sample unless the seed is fixed)</source>
        <translation>重新回答最后一条消息（除非固定了种子，否则是新的采样）</translation>
    </message>
    <message>
        <source>Tokens in what you are typing, by this model&apos;s tokenizer (the chat template adds a few around each message)</source>
        <translation>你正在输入的内容按此模型分词器计的词元数（对话模板会在每条消息周围再加几个）</translation>
    </message>
    <message>
        <source>Decode speed, time to the first token and the engine of the last reply, why it ended, and its near-ties. {NEAR_TIE_LEGEND}</source>
        <translation>最后一次回复的解码速度、首个词元耗时和引擎、结束原因，以及其中的近似平局。{NEAR_TIE_LEGEND}</translation>
    </message>
    <message>
        <source>context %v / %m tokens</source>
        <translation>上下文 %v / %m 个词元</translation>
    </message>
    <message>
        <source>Tokens the conversation uses of the model&apos;s context window</source>
        <translation>对话占用的模型上下文窗口词元数</translation>
    </message>
    <message>
        <source>Why this token?</source>
        <translation>为什么是这个词元？</translation>
    </message>
    <message>
        <source>What the model looked at to write the token charted here, and what each layer would have written (also: right-click a token)</source>
        <translation>模型写出此处图表中的词元时关注了什么，以及每层本会写出什么（也可右键单击词元）</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Next-token distribution</source>
        <translation>下一个词元的分布</translation>
    </message>
    <message>
        <source>✎ Editing message {n0}: Send replaces it and everything after it. Esc cancels.</source>
        <translation>✎ 正在编辑第 {n0} 条消息：“发送”会替换它及其后的所有内容。Esc 取消。</translation>
    </message>
</context>
<context>
    <name>ChatTab</name>
    <message>
        <source>No model is loaded yet. Pick one in the Model list at the top.</source>
        <translation>尚未加载模型。请在顶部的模型列表中选择一个。</translation>
    </message>
    <message>
        <source>Engine: {n0}</source>
        <translation>引擎：{n0}</translation>
    </message>
    <message>
        <source>Message {n0} copied to the clipboard.</source>
        <translation>第 {n0} 条消息已复制到剪贴板。</translation>
    </message>
    <message>
        <source>This model has no chat template.</source>
        <translation>此模型没有对话模板。</translation>
    </message>
    <message>
        <source>The model changed. Click a token of one of its replies.</source>
        <translation>模型已更换。请单击它的某条回复中的词元。</translation>
    </message>
    <message>
        <source>Stop the reply before opening another conversation.</source>
        <translation>请先停止回复，再打开另一个对话。</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>branch {number}/{count}</source>
        <translation>分支 {number}/{count}</translation>
    </message>
    <message>
        <source>branch {number} has “{token}”</source>
        <translation>分支 {number} 是“{token}”</translation>
    </message>
    <message>
        <source>branch {number} ends here</source>
        <translation>分支 {number} 在此结束</translation>
    </message>
    <message>
        <source>⑂ Branches part here: {branches}</source>
        <translation>⑂ 分支在此分开：{branches}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Ask the model something. Each reply token is tinted by how likely it was: hover a token for the alternatives, click it for the whole distribution. A dotted token of a greedy reply is a near-tie: the runner-up was almost as likely.</source>
        <translation>向模型提问吧。回复中的每个词元按其概率着色：悬停查看备选词元，单击查看完整分布。贪心回复中带点线的词元是“近似平局”：第二名几乎一样可能。</translation>
    </message>
    <message>
        <source>Model (continues)</source>
        <translation>模型（续写）</translation>
    </message>
    <message>
        <source>This reply has branches: ‹ › under the chat switches between them (last reply)</source>
        <translation>这条回复有分支：对话下方的 ‹ › 可在分支之间切换（最后一条回复）</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit this message and answer again from here (later turns are replaced)</source>
        <translation>编辑这条消息并从这里重新回答（之后的轮次会被替换）</translation>
    </message>
    <message>
        <source>Copy this message to the clipboard</source>
        <translation>将这条消息复制到剪贴板</translation>
    </message>
    <message>
        <source>Splitting the conversation into tokens…</source>
        <translation>正在把对话切分成词元…</translation>
    </message>
    <message>
        <source>{count:,} tokens: the conversation exactly as the model reads it, chat template included. Hover a token for its id.</source>
        <translation>{count:,} 个词元：模型读到的对话原貌，包括对话模板。悬停在词元上可查看其 id。</translation>
    </message>
    <message>
        <source>Why this token?</source>
        <translation>为什么是这个词元？</translation>
    </message>
    <message>
        <source>What the model looked at to write this token, and what each layer predicted</source>
        <translation>模型写出这个词元时关注了什么，以及每层预测了什么</translation>
    </message>
    <message>
        <source>Branch from here with</source>
        <translation>从这里分支，改用</translation>
    </message>
    <message>
        <source>Go on from this position with this token instead, as a new branch of the reply</source>
        <translation>改用这个词元从此位置继续，作为回复的新分支</translation>
    </message>
</context>
<context>
    <name>CompareColumn</name>
    <message>
        <source>Setting {n}</source>
        <translation>设置 {n}</translation>
    </message>
    <message>
        <source>The reply under these settings appears here.</source>
        <translation>此设置下的回复会显示在这里。</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>等待中…</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Compare sampling settings</source>
        <translation>比较采样设置</translation>
    </message>
    <message>
        <source>One prompt, answered under each setting below</source>
        <translation>同一个提示，按下面每组设置分别回答</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>The same seed for every column, so only the settings differ.</source>
        <translation>每一列使用相同的种子，因此只有设置不同。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Next-token distribution</source>
        <translation>下一个词元的分布</translation>
    </message>
    <message>
        <source>Type a prompt first.</source>
        <translation>请先输入提示。</translation>
    </message>
    <message>
        <source>No model is loaded. Pick one in the Model list at the top of the window.</source>
        <translation>未加载模型。请在窗口顶部的模型列表中选择一个。</translation>
    </message>
    <message>
        <source>Click a token of a reply to see the distribution it was sampled from.</source>
        <translation>单击回复中的某个词元，查看它被采样时的分布。</translation>
    </message>
    <message>
        <source>Another model wrote these replies. Run the comparison again to inspect them.</source>
        <translation>这些回复由另一个模型生成。请重新运行对比后再查看。</translation>
    </message>
    <message>
        <source>Setting {column}, token {token}</source>
        <translation>设置 {column}，第 {token} 个词元</translation>
    </message>
    <message>
        <source>generating…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <source>ended by the model</source>
        <translation>由模型结束</translation>
    </message>
    <message>
        <source>reached max tokens</source>
        <translation>达到最大词元数</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>context full ({count} tokens)</source>
        <translation>上下文已满（{count} 个词元）</translation>
    </message>
    <message>
        <source>{token_ids} tokens · {tokens_per_second:.1f} tokens/s · first token {time_to_first_token:.2f} s · {reason} · {engine}{steps}</source>
        <translation>{token_ids} 个词元 · {tokens_per_second:.1f} 词元/秒 · 首个词元 {time_to_first_token:.2f} 秒 · {reason} · {engine}{steps}</translation>
    </message>
    <message>
        <source>skipped (stopped)</source>
        <translation>已跳过（已停止）</translation>
    </message>
    <message>
        <source>Generation failed: {message}</source>
        <translation>生成失败：{message}</translation>
    </message>
</context>
<context>
    <name>ConfigBuilder</name>
    <message>
        <source>GPT-2 (LayerNorm, learned positions, GELU)</source>
        <translation>GPT-2（LayerNorm、学习的位置嵌入、GELU）</translation>
    </message>
    <message>
        <source>Llama (RMSNorm, RoPE, SwiGLU, grouped-query)</source>
        <translation>Llama（RMSNorm、RoPE、SwiGLU、分组查询注意力）</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Vocabulary V</source>
        <translation>词表大小 V</translation>
    </message>
    <message>
        <source>Distinct tokens the model knows</source>
        <translation>模型认识的不同词元数</translation>
    </message>
    <message>
        <source>Width d</source>
        <translation>宽度 d</translation>
    </message>
    <message>
        <source>Size of every token&apos;s vector (hidden size)</source>
        <translation>每个词元向量的大小（隐藏层大小）</translation>
    </message>
    <message>
        <source>Layers L</source>
        <translation>层数 L</translation>
    </message>
    <message>
        <source>How many Transformer blocks are stacked</source>
        <translation>堆叠多少个 Transformer 块</translation>
    </message>
    <message>
        <source>Query heads h</source>
        <translation>查询头数 h</translation>
    </message>
    <message>
        <source>Attention heads per layer; each gets d / h dimensions</source>
        <translation>每层的注意力头数；每个头分得 d / h 维</translation>
    </message>
    <message>
        <source>Key/value heads h_kv</source>
        <translation>键/值头数 h_kv</translation>
    </message>
    <message>
        <source>Llama: query heads share fewer K/V heads (GQA) → a smaller KV cache</source>
        <translation>Llama：查询头共享更少的 K/V 头（GQA）→ KV 缓存更小</translation>
    </message>
    <message>
        <source>MLP width f</source>
        <translation>MLP 宽度 f</translation>
    </message>
    <message>
        <source>Hidden size of the feed-forward network (GPT-2: 4·d)</source>
        <translation>前馈网络的隐藏层大小（GPT-2：4·d）</translation>
    </message>
    <message>
        <source>Context P</source>
        <translation>上下文 P</translation>
    </message>
    <message>
        <source>Longest input, in tokens</source>
        <translation>最长输入（词元数）</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <source>Tie the LM head to the token embedding</source>
        <translation>将 LM 头与词元嵌入绑定（权重共享）</translation>
    </message>
    <message>
        <source>Head width d_h</source>
        <translation>头宽度 d_h</translation>
    </message>
    <message>
        <source>Train this</source>
        <translation>训练这个</translation>
    </message>
    <message>
        <source>Open the Training tab with this architecture</source>
        <translation>用此架构打开“训练”标签页</translation>
    </message>
    <message>
        <source>Show its anatomy</source>
        <translation>查看其结构</translation>
    </message>
    <message>
        <source>Map this config&apos;s modules on the meta device (no weights)</source>
        <translation>在 meta 设备上映射此配置的模块（不分配权重）</translation>
    </message>
    <message>
        <source>Start from the current model</source>
        <translation>从当前模型开始</translation>
    </message>
    <message>
        <source>The width d = {width} must be divisible by the heads h = {heads} (each head gets d / h dimensions).</source>
        <translation>宽度 d = {width} 必须能被头数 h = {heads} 整除（每个头分得 d / h 维）。</translation>
    </message>
    <message>
        <source>Formulas exist for the GPT-2 and Llama families only</source>
        <translation>只有 GPT-2 和 Llama 模型族有公式</translation>
    </message>
    <message>
        <source>Custom config</source>
        <translation>自定义配置</translation>
    </message>
    <message>
        <source>Counting on the meta device…</source>
        <translation>正在 meta 设备上计数…</translation>
    </message>
    <message>
        <source>{n0} Built on the meta device in {n1:.0f} ms without allocating weights: sum(p.numel()) = {n_params:,}</source>
        <translation>{n0} 已在 meta 设备上构建，用时 {n1:.0f} 毫秒，未分配权重：sum(p.numel()) = {n_params:,}</translation>
    </message>
    <message>
        <source> (formula: {formula:,})</source>
        <translation>（公式：{formula:,}）</translation>
    </message>
    <message>
        <source>transformers could not build this config: {message}</source>
        <translation>transformers 无法构建此配置：{message}</translation>
    </message>
</context>
<context>
    <name>ConversationFiles</name>
    <message>
        <source>Saved to {path}.</source>
        <translation>已保存到 {path}。</translation>
    </message>
    <message>
        <source>Exported to {path}.</source>
        <translation>已导出到 {path}。</translation>
    </message>
    <message>
        <source>Opened {name}. It was written with {model}; the current model continues it.</source>
        <translation>已打开 {name}。它由 {model} 生成；当前模型将接着续写。</translation>
    </message>
    <message>
        <source>another model</source>
        <translation>另一个模型</translation>
    </message>
    <message>
        <source>Opened {name}.</source>
        <translation>已打开 {name}。</translation>
    </message>
    <message>
        <source>Save conversation</source>
        <translation>保存对话</translation>
    </message>
    <message>
        <source>Conversation (*.json)</source>
        <translation>对话 (*.json)</translation>
    </message>
    <message>
        <source>Open conversation</source>
        <translation>打开对话</translation>
    </message>
    <message>
        <source>Conversation (*.json);;All files (*)</source>
        <translation>对话 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export as Markdown</source>
        <translation>导出为 Markdown</translation>
    </message>
</context>
<context>
    <name>Core</name>
    <message>
        <source>Token embedding</source>
        <translation>词元嵌入</translation>
    </message>
    <message>
        <source>Position embedding</source>
        <translation>位置嵌入</translation>
    </message>
    <message>
        <source>Norm (before attention)</source>
        <translation>归一化 (注意力之前)</translation>
    </message>
    <message>
        <source>Self-attention</source>
        <translation>自注意力</translation>
    </message>
    <message>
        <source>Norm (before MLP)</source>
        <translation>归一化 (MLP 之前)</translation>
    </message>
    <message>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
    <message>
        <source>Final norm</source>
        <translation>最终归一化</translation>
    </message>
    <message>
        <source>LM head</source>
        <translation>LM 头</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>measured from the modules</source>
        <translation>从模块中统计</translation>
    </message>
    <message>
        <source>biases</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>Position embedding (learned)</source>
        <translation>位置嵌入 (学习得到)</translation>
    </message>
    <message>
        <source>LayerNorm (before attention)</source>
        <translation>LayerNorm (注意力之前)</translation>
    </message>
    <message>
        <source>Self-attention (Q, K, V, output)</source>
        <translation>自注意力 (Q、K、V、输出)</translation>
    </message>
    <message>
        <source>LayerNorm (before MLP)</source>
        <translation>LayerNorm (MLP 之前)</translation>
    </message>
    <message>
        <source>MLP (GELU)</source>
        <translation>MLP (GELU)</translation>
    </message>
    <message>
        <source>Final LayerNorm</source>
        <translation>最终 LayerNorm</translation>
    </message>
    <message>
        <source>Rotary positions (RoPE)</source>
        <translation>旋转位置编码 (RoPE)</translation>
    </message>
    <message>
        <source>0 (computed, not learned)</source>
        <translation>0（计算得到，不是学习的）</translation>
    </message>
    <message>
        <source>RMSNorm (before attention)</source>
        <translation>RMSNorm (注意力之前)</translation>
    </message>
    <message>
        <source>RMSNorm (before MLP)</source>
        <translation>RMSNorm (MLP 之前)</translation>
    </message>
    <message>
        <source>MLP (SwiGLU: gate, up, down)</source>
        <translation>MLP (SwiGLU：门控、上投影、下投影)</translation>
    </message>
    <message>
        <source>Final RMSNorm</source>
        <translation>最终 RMSNorm</translation>
    </message>
    <message>
        <source>0 (tied: reuses the token embedding)</source>
        <translation>0（绑定：复用词元嵌入）</translation>
    </message>
    <message>
        <source>(built-in)</source>
        <translation>（内置）</translation>
    </message>
    <message>
        <source>bfloat16 cast</source>
        <translation>转为 bfloat16</translation>
    </message>
    <message>
        <source>Every weight in 16-bit brain float: half the memory, same layers.</source>
        <translation>每个权重都用 16 位 bfloat16 浮点格式存储：内存减半，层结构不变。</translation>
    </message>
    <message>
        <source>float16 cast</source>
        <translation>转为 float16</translation>
    </message>
    <message>
        <source>Every weight in 16-bit IEEE float: half the memory; fast on GPUs.</source>
        <translation>每个权重都用 16 位 IEEE 浮点存储：内存减半；在 GPU 上很快。</translation>
    </message>
    <message>
        <source>Dynamic int8 (torch)</source>
        <translation>动态 int8 量化 (torch)</translation>
    </message>
    <message>
        <source>Linear weights in int8 with per-channel scales; activations are quantized on the fly and the matmul runs in int8 kernels (CPU only).</source>
        <translation>线性层权重为 int8，每个通道一个缩放因子；激活值在运行时量化，矩阵乘法在 int8 内核中运行（仅 CPU）。</translation>
    </message>
    <message>
        <source>Weight-only int8</source>
        <translation>仅权重 int8 量化</translation>
    </message>
    <message>
        <source>Linear weights stored as int8 + a scale per group; dequantized to float in every forward pass. Works on every device.</source>
        <translation>线性层权重存为 int8，每组一个缩放因子；每次前向传播时反量化为浮点数。适用于所有设备。</translation>
    </message>
    <message>
        <source>Weight-only int4</source>
        <translation>仅权重 int4 量化</translation>
    </message>
    <message>
        <source>Linear weights packed two per byte (int4) + a scale per group; dequantized in every forward pass.</source>
        <translation>线性层权重每字节打包两个 (int4)，每组一个缩放因子；每次前向传播时反量化。</translation>
    </message>
    <message>
        <source>Magnitude pruning</source>
        <translation>幅度剪枝</translation>
    </message>
    <message>
        <source>Zero the smallest weights of every Linear layer (unstructured). The matrices keep their shape; the zeros are what a sparse format could skip.</source>
        <translation>把每个线性层中最小的权重置零（非结构化）。矩阵形状不变；稀疏格式可以跳过这些零。</translation>
    </message>
    <message>
        <source>Prune attention heads</source>
        <translation>剪枝注意力头</translation>
    </message>
    <message>
        <source>Remove whole query heads in every layer, least important first: the attention projections really shrink.</source>
        <translation>在每一层中移除整个查询头，先移除最不重要的：注意力投影矩阵真正变小。</translation>
    </message>
    <message>
        <source>Prune MLP channels</source>
        <translation>剪枝 MLP 通道</translation>
    </message>
    <message>
        <source>Remove the least important hidden channels of every MLP: the feed-forward matrices really shrink.</source>
        <translation>移除每个 MLP 中最不重要的隐藏通道：前馈矩阵真正变小。</translation>
    </message>
    <message>
        <source>Sparsity {sparsity:.2f} breaks small models: on the built-in one perplexity goes from 15.8 to 35 at 0.35, 53 at 0.4 and 352 at 0.5, and replies turn to gibberish. {safe:g} keeps it usable (17.8).</source>
        <translation>稀疏度 {sparsity:.2f} 会破坏小模型：在内置模型上，困惑度从 15.8 升至 35（0.35）、53（0.4）和 352（0.5），回复变成乱码。{safe:g} 仍可使用（17.8）。</translation>
    </message>
    <message>
        <source>ONNX int4 (fast engine)</source>
        <translation>ONNX int4（快速引擎）</translation>
    </message>
    <message>
        <source>The Chat tab&apos;s fast engine: the model exported to ONNX Runtime GenAI with 4-bit weights (built once, ~30 s, then cached). Llama-family models.</source>
        <translation>对话页的快速引擎：把模型导出到 ONNX Runtime GenAI，权重为 4 位（只构建一次，约 30 秒，之后使用缓存）。适用于 Llama 系列模型。</translation>
    </message>
    <message>
        <source>ONNX int8 (experimental)</source>
        <translation>ONNX int8（实验性）</translation>
    </message>
    <message>
        <source>The fast engine with 8-bit weights, experimental: may change greedy answers (perplexity stays close, but it flips near-ties: the built-in model answers the capital of France in French). Llama-family models.</source>
        <translation>权重为 8 位的快速引擎，实验性：可能改变贪心解码的回答（困惑度相近，但会翻转近似平局：内置模型会用法语回答法国的首都）。适用于 Llama 系列模型。</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Non-zero</source>
        <translation>非零</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <source>Tokens/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Greedy answer</source>
        <translation>贪心回答</translation>
    </message>
    <message>
        <source>years</source>
        <translation>年</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <source>h</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>min</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>experimental: may change greedy answers</source>
        <translation>实验性：可能改变贪心解码的回答</translation>
    </message>
    <message>
        <source>{engine}: {note}. Its {choice} weights flip greedy picks the model barely made (near-ties, dotted in the chat): the built-in model answers the capital of France in French. Fast (ONNX int4) and Exact keep them.</source>
        <translation>{engine}：{note}。它的 {choice} 权重会翻转模型勉强做出的贪心选择（近似平局，对话中以虚线标出）：内置模型会用法语回答法国的首都。快速（ONNX int4）和精确引擎会保留这些选择。</translation>
    </message>
</context>
<context>
    <name>DecisionBoundaryPage</name>
    <message>
        <source>Circles</source>
        <translation>同心圆</translation>
    </message>
    <message>
        <source>Two spirals</source>
        <translation>双螺旋</translation>
    </message>
    <message>
        <source>Gaussian blobs</source>
        <translation>高斯团簇</translation>
    </message>
    <message>
        <source>orange (class 0)</source>
        <translation>橙色（类别 0）</translation>
    </message>
    <message>
        <source>blue (class 1)</source>
        <translation>蓝色（类别 1）</translation>
    </message>
    <message>
        <source>The class a click on the plot adds (Shift-click adds the other one)</source>
        <translation>在图上单击时添加的类别（Shift+单击添加另一类）</translation>
    </message>
    <message>
        <source>Remove added points</source>
        <translation>移除添加的点</translation>
    </message>
    <message>
        <source>Overfitting preset</source>
        <translation>过拟合预设</translation>
    </message>
    <message>
        <source>Few noisy points, a big network: watch the test loss leave the train loss behind, then turn on Dropout or L2</source>
        <translation>少量带噪声的点、大网络：观察测试损失与训练损失逐渐拉开，然后开启 Dropout 或 L2</translation>
    </message>
    <message>
        <source>Spirals preset</source>
        <translation>螺旋预设</translation>
    </message>
    <message>
        <source>Two spirals with less noise and a network that can learn them (2 × 32 neurons)</source>
        <translation>噪声较小的双螺旋，以及能学会它的网络（2 × 32 个神经元）</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>点数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Test split</source>
        <translation>测试集比例</translation>
    </message>
    <message>
        <source>Click adds</source>
        <translation>单击添加</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Train one epoch, then pause</source>
        <translation>训练一轮，然后暂停</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>New initial weights (from the seed): start again</source>
        <translation>新的初始权重（由种子决定）：重新开始</translation>
    </message>
    <message>
        <source>Decision boundary (click to add a point)</source>
        <translation>决策边界（单击添加一个点）</translation>
    </message>
    <message>
        <source>Press Play to train.</source>
        <translation>按“播放”开始训练。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Two spirals are too hard for this small network (it stays near 60%): press Spirals preset for 2 × 32 neurons and less noise, or add neurons yourself.</source>
        <translation>双螺旋对这个小网络来说太难了（准确率停在 60% 左右）：按“螺旋预设”使用 2 × 32 个神经元和更小的噪声，或自己增加神经元。</translation>
    </message>
    <message>
        <source>Overfitting preset: press Play and watch the test loss climb away from the train loss. Then set Dropout to 0.5 (or L2 to 0.001) and play again: the gap closes.</source>
        <translation>过拟合预设：按“播放”，观察测试损失逐渐高于训练损失。然后把 Dropout 设为 0.5（或 L2 设为 0.001）再播放：差距会缩小。</translation>
    </message>
    <message>
        <source>Spirals preset: 2 hidden layers of 32 neurons, learning rate 0.01, noise 0.05. Press Play: after about a hundred epochs the boundary winds along both arms.</source>
        <translation>螺旋预设：2 个隐藏层，每层 32 个神经元，学习率 0.01，噪声 0.05。按“播放”：大约一百轮后，边界会沿着两条螺旋臂缠绕。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source> · done</source>
        <translation> · 完成</translation>
    </message>
    <message>
        <source>Epoch {epoch} · loss train {train_loss}, test {test_loss} · accuracy train {train_accuracy}, test {test_accuracy} · ‖w‖ {norm}</source>
        <translation>第 {epoch} 轮 · 损失 训练 {train_loss}，测试 {test_loss} · 准确率 训练 {train_accuracy}，测试 {test_accuracy} · ‖w‖ {norm}</translation>
    </message>
</context>
<context>
    <name>Demos</name>
    <message>
        <source>&quot;{name}&quot; should be {kind}, not {value}</source>
        <translation>“{name}”应为 {kind}，而不是 {value}</translation>
    </message>
    <message>
        <source>Loading the model… the demo starts as soon as it is ready.</source>
        <translation>正在加载模型… 模型就绪后演示立即开始。</translation>
    </message>
    <message>
        <source>unknown config builder preset(s) {unknown}; known: {known}</source>
        <translation>未知的配置构建器预设 {unknown}；已知的有：{known}</translation>
    </message>
    <message>
        <source>Config builder: %1 side by side.</source>
        <translation>配置构建器：%1 并排对比。</translation>
    </message>
    <message>
        <source>unknown config builder preset {name}</source>
        <translation>未知的配置构建器预设 {name}</translation>
    </message>
    <message>
        <source>Time ≈ 6·N·D / FLOP/s for %1, with this machine&apos;s measured FLOP/s (bottom right).</source>
        <translation>%1 的时间 ≈ 6·N·D / FLOP/s，使用本机实测的 FLOP/s（右下角）。</translation>
    </message>
    <message>
        <source>Attention: every head of the model on one sentence. Click a head, then a token.</source>
        <translation>注意力：模型的每个注意力头作用在同一句话上。单击一个头，再单击一个词元。</translation>
    </message>
    <message>
        <source>a training run is already going: stop it first (Training tab, Stop)</source>
        <translation>已有训练在运行：请先停止它（“训练”标签页，停止）</translation>
    </message>
    <message>
        <source>unknown training preset {name}; known: {known}</source>
        <translation>未知的训练预设 {name}；已知的有：{known}</translation>
    </message>
    <message>
        <source>&quot;presets&quot; should name two training presets: from scratch, then fine-tuning</source>
        <translation>“presets”应列出两个训练预设：先从头训练，再微调</translation>
    </message>
    <message>
        <source>Runs list: your newest from-scratch run and LoRA fine-tune, overlaid.</source>
        <translation>运行列表：你最新的从头训练和 LoRA 微调运行，叠加对比。</translation>
    </message>
    <message>
        <source>No %1 run yet: start this preset, then the “%2” preset; Show me again overlays the two.</source>
        <translation>还没有 %1 运行：先运行此预设，再运行“%2”预设；再次点“演示给我看”即可叠加对比两者。</translation>
    </message>
    <message>
        <source>Training: each stage is named below as it happens.</source>
        <translation>训练：每个阶段发生时会在下方标出。</translation>
    </message>
    <message>
        <source>Optimizer race: SGD, Momentum, RMSprop and Adam, one after another, overlaid.</source>
        <translation>优化器竞赛：SGD、Momentum、RMSprop 和 Adam 依次训练并叠加对比。</translation>
    </message>
    <message>
        <source>Two runs, without and with dropout %1 + weight decay %2: compare train and validation loss.</source>
        <translation>两次运行，分别不带和带 dropout %1 + 权重衰减 %2：比较训练损失和验证损失。</translation>
    </message>
    <message>
        <source>&quot;temperature&quot; should be between 0 and 2, not {value}</source>
        <translation>“temperature”（温度）应在 0 到 2 之间，而不是 {value}</translation>
    </message>
    <message>
        <source>Temperature focused: change it and watch the chart.</source>
        <translation>已聚焦温度：改变它并观察图表。</translation>
    </message>
    <message>
        <source>A reply with a fixed seed; its first token&apos;s distribution is charted. Change the temperature.</source>
        <translation>一条固定种子的回复；图表显示其首个词元的分布。试着改变温度。</translation>
    </message>
    <message>
        <source>a reply is running: stop it first</source>
        <translation>有回复正在生成：请先停止它</translation>
    </message>
    <message>
        <source>unknown technique(s) {unknown}; known: {known}</source>
        <translation>未知的技术 {unknown}；已知的有：{known}</translation>
    </message>
    <message>
        <source>The Optimize tab is busy: its report fills when the running job ends.</source>
        <translation>“优化”标签页正忙：当前任务结束后报告会填入。</translation>
    </message>
    <message>
        <source>Compressing with %1 and measuring against the original.</source>
        <translation>正在用 %1 压缩，并与原模型对比测量。</translation>
    </message>
    <message>
        <source>unknown demo action {name}; known: {known}</source>
        <translation>未知的演示动作 {name}；已知的有：{known}</translation>
    </message>
</context>
<context>
    <name>DigitsPage</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Compare optimizers</source>
        <translation>比较优化器</translation>
    </message>
    <message>
        <source>Train this network once per optimizer, from the same initial weights, and overlay their curves</source>
        <translation>用每个优化器各训练一次这个网络（相同的初始权重），并叠加它们的曲线</translation>
    </message>
    <message>
        <source>The classic MLP: Dense(128, ReLU) → Dropout(0.2) → Dense(10, softmax), on 1,797 8×8 digits (80% train, 20% test).</source>
        <translation>经典 MLP：Dense(128, ReLU) → Dropout(0.2) → Dense(10, softmax)，数据为 1,797 张 8×8 手写数字（80% 训练，20% 测试）。</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>Train to see which digits it confuses.</source>
        <translation>训练后可查看它会混淆哪些数字。</translation>
    </message>
    <message>
        <source>Row: the true digit · hover a cell for its share</source>
        <translation>行：真实数字 · 鼠标悬停在单元格上查看占比</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Train, then draw a digit.</source>
        <translation>先训练，再画一个数字。</translation>
    </message>
    <message>
        <source>Draw a digit</source>
        <translation>画一个数字</translation>
    </message>
    <message>
        <source>Misclassified test digits (true → predicted)</source>
        <translation>误分类的测试数字（真实 → 预测）</translation>
    </message>
    <message>
        <source>Epochs: a comparison needs a number of epochs (above 0).</source>
        <translation>轮数：比较需要设定轮数（大于 0）。</translation>
    </message>
    <message>
        <source>Comparing SGD, Momentum, AdaGrad, RMSprop and Adam from the same initial weights…</source>
        <translation>正在从相同的初始权重比较 SGD、动量、AdaGrad、RMSprop 和 Adam…</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Epoch {epoch} · accuracy train {train_accuracy}, test {test_accuracy} · loss train {train_loss}, test {test_loss}</source>
        <translation>第 {epoch} 轮 · 准确率 训练 {train_accuracy}，测试 {test_accuracy} · 损失 训练 {train_loss}，测试 {test_loss}</translation>
    </message>
    <message>
        <source>Test accuracy: {accuracies}. Best: {best}.</source>
        <translation>测试准确率：{accuracies}。最佳：{best}。</translation>
    </message>
    <message>
        <source>Done: {accuracy} of the test digits right.</source>
        <translation>完成：测试数字的准确率为 {accuracy}。</translation>
    </message>
    <message>
        <source>Confusion matrix (share of each true digit)</source>
        <translation>混淆矩阵（每个真实数字的占比）</translation>
    </message>
    <message>
        <source>true</source>
        <translation>真实</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Draw a digit: the bars are the network&apos;s probabilities.</source>
        <translation>画一个数字：条形是网络给出的概率。</translation>
    </message>
    <message>
        <source>Train first: then the network says what you drew.</source>
        <translation>请先训练：之后网络会说出你画的是什么。</translation>
    </message>
    <message>
        <source>It says {digit} ({share}).</source>
        <translation>它认为是 {digit}（{share}）。</translation>
    </message>
</context>
<context>
    <name>DistillPanel</name>
    <message>
        <source>Student (same tokenizer as the current model)</source>
        <translation>学生模型（与当前模型使用相同分词器）</translation>
    </message>
    <message>
        <source>Transformer blocks</source>
        <translation>Transformer 块</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Key/value heads (llama; 0 = one per head)</source>
        <translation>键/值头数（llama；0 = 每个头一个）</translation>
    </message>
    <message>
        <source>Width of every token&apos;s vector</source>
        <translation>每个词元向量的宽度</translation>
    </message>
    <message>
        <source>Longest sequence</source>
        <translation>最长序列</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation>KV 头数</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>Optimizer steps</source>
        <translation>优化器步数</translation>
    </message>
    <message>
        <source>Sequences per step</source>
        <translation>每步的序列数</translation>
    </message>
    <message>
        <source>Tokens per sequence</source>
        <translation>每个序列的词元数</translation>
    </message>
    <message>
        <source>T &gt; 1 softens the teacher&apos;s distribution so the student also learns how it ranks the unlikely tokens.</source>
        <translation>T &gt; 1 会软化教师模型的分布，让学生模型也学到它如何排序那些不太可能的词元。</translation>
    </message>
    <message>
        <source>Share of the loss from matching the teacher (KL); the rest is ordinary cross-entropy on the text.</source>
        <translation>来自匹配教师模型（KL）的损失占比；其余是文本上普通的交叉熵。</translation>
    </message>
    <message>
        <source>built-in corpus</source>
        <translation>内置语料</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Temperature T</source>
        <translation>温度 T</translation>
    </message>
    <message>
        <source>Teacher share α</source>
        <translation>教师占比 α</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Distill a student</source>
        <translation>蒸馏一个学生模型</translation>
    </message>
    <message>
        <source>Train the student on the current model&apos;s soft targets, then measure it.</source>
        <translation>用当前模型的软目标训练学生模型，然后测量它。</translation>
    </message>
    <message>
        <source>Text to distil on</source>
        <translation>用于蒸馏的文本</translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All (*)</source>
        <translation>文本 (*.txt *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{n} ({embedding} in the embedding)</source>
        <translation>{n}（其中嵌入层 {embedding}）</translation>
    </message>
    <message>
        <source>load a model to count</source>
        <translation>加载模型后计数</translation>
    </message>
</context>
<context>
    <name>EngineSwitcher</name>
    <message>
        <source>Exact (PyTorch)</source>
        <translation>精确 (PyTorch)</translation>
    </message>
    <message>
        <source>Fast (GGUF)</source>
        <translation>快速 (GGUF)</translation>
    </message>
    <message>
        <source>Exact (GGUF)</source>
        <translation>精确 (GGUF)</translation>
    </message>
    <message>
        <source>Fast (ONNX int4)</source>
        <translation>快速 (ONNX int4)</translation>
    </message>
    <message>
        <source>Exact (ONNX fp32)</source>
        <translation>精确 (ONNX fp32)</translation>
    </message>
    <message>
        <source>Experimental (ONNX int8)</source>
        <translation>实验性 (ONNX int8)</translation>
    </message>
    <message>
        <source>Fast (GGUF {blocks}, int8 activations)</source>
        <translation>快速 (GGUF {blocks}，int8 激活)</translation>
    </message>
    <message>
        <source>Exact (GGUF {blocks})</source>
        <translation>精确 (GGUF {blocks})</translation>
    </message>
    <message>
        <source>Fast engine unavailable: {reason}. {consequence}.</source>
        <translation>快速引擎不可用：{reason}。{consequence}。</translation>
    </message>
    <message>
        <source>Fast chat engine (ONNX)</source>
        <translation>快速对话引擎 (ONNX)</translation>
    </message>
    <message>
        <source>Chat on ONNX Runtime (4- or 8-bit weights, several times faster on a CPU). Off: every reply runs on PyTorch.</source>
        <translation>在 ONNX Runtime 上对话（4 位或 8 位权重，在 CPU 上快数倍）。关闭：每条回复都在 PyTorch 上运行。</translation>
    </message>
    <message>
        <source>unavailable</source>
        <translation>不可用</translation>
    </message>
    <message>
        <source>The fast engine cannot run this model: {reason}. Replies use PyTorch.</source>
        <translation>快速引擎无法运行此模型：{reason}。回复使用 PyTorch。</translation>
    </message>
    <message>
        <source> (View ▸ Fast chat engine)</source>
        <translation>（视图 ▸ 快速对话引擎）</translation>
    </message>
    <message>
        <source>This reply uses {engine}</source>
        <translation>本条回复使用{engine}</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>preparing {precision}…</source>
        <translation>正在准备 {precision}…</translation>
    </message>
    <message>
        <source>Building the ONNX model of the fast engine (first time only). Replies use PyTorch until it is ready.</source>
        <translation>正在构建快速引擎的 ONNX 模型（仅首次）。就绪之前，回复使用 PyTorch。</translation>
    </message>
    <message>
        <source>preparing {precision} {percent}</source>
        <translation>正在准备 {precision} {percent}</translation>
    </message>
    <message>
        <source>{engine} is ready, built for {model}: prompts run on ONNX Runtime, each next token on the native decode step ({kernel}).</source>
        <translation>{engine} 已就绪，为 {model} 构建：提示词在 ONNX Runtime 上运行，之后的每个词元在原生解码步骤（{kernel}）上运行。</translation>
    </message>
    <message>
        <source>{engine} is ready: ONNX Runtime, built for {model}.</source>
        <translation>{engine} 已就绪：ONNX Runtime，为 {model} 构建。</translation>
    </message>
    <message>
        <source>{engine} is ready: the next reply uses it.</source>
        <translation>{engine} 已就绪：下一条回复将使用它。</translation>
    </message>
    <message>
        <source>Replies use {engine}</source>
        <translation>回复使用{engine}</translation>
    </message>
    <message>
        <source>Turned off: View ▸ Fast chat engine (ONNX)</source>
        <translation>已关闭：视图 ▸ 快速对话引擎 (ONNX)</translation>
    </message>
</context>
<context>
    <name>GuessMode</name>
    <message>
        <source>Guess the next token</source>
        <translation>猜下一个词元</translation>
    </message>
    <message>
        <source>For an audience: the reply pauses before every token; press Space (PageDown in presenter mode) to reveal it with its distribution</source>
        <translation>面向观众：回复在每个词元前暂停；按空格键（演示模式下按 PageDown）揭晓词元及其分布</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>揭晓</translation>
    </message>
    <message>
        <source>Reveal the token (Space when focused); press again for the next</source>
        <translation>揭晓词元（获得焦点时按空格）；再按一次进入下一个</translation>
    </message>
    <message>
        <source>Stop the reply first, then switch guess mode.</source>
        <translation>请先停止回复，再切换猜词模式。</translation>
    </message>
    <message>
        <source>Token %1</source>
        <translation>第 %1 个词元</translation>
    </message>
    <message>
        <source>&lt;b&gt;Token %1&lt;/b&gt;: %2 (%3)</source>
        <translation>&lt;b&gt;第 %1 个词元&lt;/b&gt;：%2（%3）</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Guess the next token…</source>
        <translation>猜下一个词元…</translation>
    </message>
    <message>
        <source>Press again for the next token</source>
        <translation>再按一次显示下一个词元</translation>
    </message>
</context>
<context>
    <name>HeatmapView</name>
    <message>
        <source>Hover for the exact weight · wheel to zoom · drag to pan · double-click to reset</source>
        <translation>悬停查看精确权重 · 滚轮缩放 · 拖动平移 · 双击复位</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Run some text to see its attention.</source>
        <translation>运行一段文本以查看其注意力。</translation>
    </message>
</context>
<context>
    <name>LearnPanel</name>
    <message>
        <source>Learn</source>
        <translation>学习</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>演示给我看</translation>
    </message>
    <message>
        <source>Set up this lesson&apos;s live demo in the app</source>
        <translation>在应用中搭建本课的现场演示</translation>
    </message>
    <message>
        <source>Lesson {file} ({language}) skipped: unknown demo action {action}; known: {known}</source>
        <translation>已跳过课程 {file}（{language}）：未知的演示动作 {action}；已知的有：{known}</translation>
    </message>
    <message>
        <source>No lessons found.</source>
        <translation>没有找到课程。</translation>
    </message>
</context>
<context>
    <name>LogitLensModel</name>
    <message>
        <source>Input token {position}: “{token}”. Cells below: the token predicted after it.</source>
        <translation>输入词元 {position}：“{token}”。下方单元格：在它之后预测的词元。</translation>
    </message>
    <message>
        <source>embeddings</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <source>layer {layer} (output)</source>
        <translation>第 {layer} 层（输出）</translation>
    </message>
    <message>
        <source>layer {layer}</source>
        <translation>第 {layer} 层</translation>
    </message>
    <message>
        <source>After “{token}” (position {position}), the embeddings predict: {top}</source>
        <translation>在“{token}”（位置 {position}）之后，嵌入层预测：{top}</translation>
    </message>
    <message>
        <source>After “{token}” (position {position}), layer {layer} predicts: {top}</source>
        <translation>在“{token}”（位置 {position}）之后，第 {layer} 层预测：{top}</translation>
    </message>
</context>
<context>
    <name>LogitLensView</name>
    <message>
        <source>Each position costs one LM-head pass per layer; at most 64 at a time</source>
        <translation>每个位置每层需要一次 LM 头计算；一次最多 64 个</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Run some text to see the answer form layer by layer.</source>
        <translation>运行一段文本，逐层查看答案如何形成。</translation>
    </message>
    <message>
        <source>Positions from</source>
        <translation>位置起点</translation>
    </message>
    <message>
        <source>count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Running the logit lens…</source>
        <translation>正在运行 logit 透镜…</translation>
    </message>
    <message>
        <source>{last} layers × {positions} positions in {seconds:.1f} s. Each cell: the next token the model would predict if it stopped after that layer (final norm + LM head). Stronger blue = more probable; bold = already the final answer; hover for the top 5.</source>
        <translation>{last} 层 × {positions} 个位置，用时 {seconds:.1f} 秒。每个单元格：如果模型在该层之后停止（最终归一化 + LM 头），它会预测的下一个词元。蓝色越深 = 概率越高；粗体 = 已是最终答案；悬停查看前 5 名。</translation>
    </message>
    <message>
        <source>Export as PNG</source>
        <translation>导出为 PNG</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source> Model </source>
        <translation> 模型 </translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <source>Open a llama.cpp .gguf model file (converted once, then cached)</source>
        <translation>打开 llama.cpp 的 .gguf 模型文件（只转换一次，之后缓存）</translation>
    </message>
    <message>
        <source> Device </source>
        <translation> 设备 </translation>
    </message>
    <message>
        <source>Where the model runs. GPUs appear when torch can see them.</source>
        <translation>模型运行的位置。torch 能看到 GPU 时会列出它们。</translation>
    </message>
    <message>
        <source> Precision </source>
        <translation> 精度 </translation>
    </message>
    <message>
        <source>Number format of the weights: bfloat16 halves memory; it is faster on GPUs and on CPUs with native bf16, and its text leaves float32&apos;s after a few tokens. float16 is offered on GPUs.</source>
        <translation>权重的数值格式：bfloat16 使内存减半；在 GPU 和原生支持 bf16 的 CPU 上更快，几个词元后其文本会与 float32 的不同。GPU 上还提供 float16。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Optimize</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>Basics</source>
        <translation>基础</translation>
    </message>
    <message>
        <source>Current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>Parameter count</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Weight precision</source>
        <translation>权重精度</translation>
    </message>
    <message>
        <source>Lower precision runs faster, but greedy replies can differ from float32 after a few tokens (measured on the built-in model).</source>
        <translation>较低精度运行更快，但几个词元之后贪心回复可能与 float32 不同（在内置模型上测得）。</translation>
    </message>
    <message>
        <source>Memory used by the app</source>
        <translation>本应用占用的内存</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Serve current model…</source>
        <translation>服务当前模型…</translation>
    </message>
    <message>
        <source>Serve the current model over an OpenAI-compatible API on this machine</source>
        <translation>在本机通过 OpenAI 兼容 API 提供当前模型</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>深色主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Busy loading a model: {name} opens as soon as it is done…</source>
        <translation>正在加载模型：完成后立即打开 {name}…</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder</source>
        <translation>打开 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Open a GGUF model file</source>
        <translation>打开 GGUF 模型文件</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>{n_params} parameters</source>
        <translation>{n_params} 参数</translation>
    </message>
    <message>
        <source>{n_params:,} parameters</source>
        <translation>{n_params:,} 个参数</translation>
    </message>
    <message>
        <source>faster, not exact</source>
        <translation>更快，但不精确</translation>
    </message>
    <message>
        <source>Loaded {name} in {seconds:.1f} s from cache</source>
        <translation>已从缓存加载 {name}，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>Loaded {name} in {seconds:.1f} s</source>
        <translation>已加载 {name}，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <source>{n0} used</source>
        <translation>已用 {n0}</translation>
    </message>
    <message>
        <source>No model to serve</source>
        <translation>没有可服务的模型</translation>
    </message>
    <message>
        <source>Load a model first, then choose File → Serve current model.</source>
        <translation>请先加载模型，再选择“文件 → 服务当前模型”。</translation>
    </message>
</context>
<context>
    <name>MeasurePanel</name>
    <message>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Every variant answers this prompt greedily; the answers sit side by side.</source>
        <translation>每个变体都用贪心方式回答这个提示；答案并排显示。</translation>
    </message>
    <message>
        <source>Tokens generated per answer (also what tokens/s is measured on).</source>
        <translation>每个回答生成的词元数（词元/秒 也在此上测量）。</translation>
    </message>
    <message>
        <source>Held-out tokens scored for perplexity (more = steadier, slower).</source>
        <translation>用于计算困惑度的留出词元数（越多越稳定，也越慢）。</translation>
    </message>
    <message>
        <source>built-in text (pydoc topics)</source>
        <translation>内置文本（pydoc 主题）</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Measure perplexity on your own .txt file instead of the built-in text.</source>
        <translation>在你自己的 .txt 文件上测量困惑度，而不是内置文本。</translation>
    </message>
    <message>
        <source>Built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Answer tokens</source>
        <translation>回答词元数</translation>
    </message>
    <message>
        <source>Perplexity tokens</source>
        <translation>困惑度词元数</translation>
    </message>
    <message>
        <source>Perplexity text</source>
        <translation>困惑度文本</translation>
    </message>
    <message>
        <source>Text to measure perplexity on</source>
        <translation>用于测量困惑度的文本</translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All (*)</source>
        <translation>文本 (*.txt *.md);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ModelSelector</name>
    <message>
        <source>The model every tab uses. Pick one to load it.</source>
        <translation>所有标签页共用的模型。选择一个即可加载。</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
</context>
<context>
    <name>NetworkControls</name>
    <message>
        <source>loss = cross-entropy + λ₁·Σ|w| + λ₂·Σw²</source>
        <translation>损失 = 交叉熵 + λ₁·Σ|w| + λ₂·Σw²</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Hidden layers between the input and the output (0: a linear classifier)</source>
        <translation>输入与输出之间的隐藏层数（0：线性分类器）</translation>
    </message>
    <message>
        <source>Neurons in each hidden layer</source>
        <translation>每个隐藏层的神经元数</translation>
    </message>
    <message>
        <source>Share of hidden outputs zeroed at random while training (none at test time)</source>
        <translation>训练时随机置零的隐藏层输出比例（测试时不置零）</translation>
    </message>
    <message>
        <source>Batch normalization</source>
        <translation>批归一化</translation>
    </message>
    <message>
        <source>Normalize each hidden layer&apos;s inputs over the batch, before the activation</source>
        <translation>在激活函数之前，按批对每个隐藏层的输入做归一化</translation>
    </message>
    <message>
        <source>Residual connections</source>
        <translation>残差连接</translation>
    </message>
    <message>
        <source>h + layer(h) wherever a layer&apos;s input and output widths match</source>
        <translation>只要某层的输入与输出宽度相同，就使用 h + 层(h)</translation>
    </message>
    <message>
        <source>SGD: w -= lr·g · Momentum: a running velocity (0.9) · AdaGrad: lr shrinks per weight with its summed g² · RMSprop: divides by a running RMS of g · Adam: momentum and RMS, bias-corrected</source>
        <translation>SGD：w -= η·g（η 为学习率）· 动量：滑动速度 (0.9) · AdaGrad：每个权重的 η 随其累积 g² 缩小 · RMSprop：除以 g 的滑动均方根 · Adam：动量加均方根，并做偏差修正</translation>
    </message>
    <message>
        <source>Learning rate: the step size (arrows halve or double it)</source>
        <translation>学习率：步长（箭头将其减半或加倍）</translation>
    </message>
    <message>
        <source>Examples per optimizer step</source>
        <translation>每个优化器步的样本数</translation>
    </message>
    <message>
        <source>λ₁: pushes weights to exactly zero</source>
        <translation>λ₁：把权重推向恰好为零</translation>
    </message>
    <message>
        <source>λ₂: shrinks every weight (weight decay)</source>
        <translation>λ₂：缩小每个权重（权重衰减）</translation>
    </message>
    <message>
        <source>Initial weights and batch order</source>
        <translation>初始权重与批次顺序</translation>
    </message>
    <message>
        <source>Stop after this many epochs (0: never)</source>
        <translation>训练这么多轮后停止（0：不停止）</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Hidden layers</source>
        <translation>隐藏层</translation>
    </message>
    <message>
        <source>Neurons per layer</source>
        <translation>每层神经元</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>丢弃率</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
</context>
<context>
    <name>OptimizeTab</name>
    <message>
        <source>Export the report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Compress &amp;&amp; measure</source>
        <translation>压缩并测量</translation>
    </message>
    <message>
        <source>Make a variant for every ticked technique and measure it (and the original).</source>
        <translation>为每个勾选的技术生成一个变体并测量（原模型也测）。</translation>
    </message>
    <message>
        <source>Quantize &amp;&amp; prune</source>
        <translation>量化与剪枝</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save variant…</source>
        <translation>保存变体…</translation>
    </message>
    <message>
        <source>Load into Chat</source>
        <translation>载入对话</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>导出 Markdown…</translation>
    </message>
    <message>
        <source>Save the report as a table.</source>
        <translation>将报告保存为表格。</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Save the raw numbers.</source>
        <translation>保存原始数据。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Drop the selected row and free its model&apos;s memory.</source>
        <translation>删除所选行并释放其模型的内存。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Drop every row and free the variants&apos; memory.</source>
        <translation>删除所有行并释放各变体的内存。</translation>
    </message>
    <message>
        <source>Distill</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>Load a model first (toolbar, top left).</source>
        <translation>请先加载模型（工具栏，左上角）。</translation>
    </message>
    <message>
        <source>Tick at least one technique.</source>
        <translation>请至少勾选一项技术。</translation>
    </message>
    <message>
        <source>A job is already running.</source>
        <translation>已有任务在运行。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Measured {outcome} model(s). Select a row to save it or load it into Chat.</source>
        <translation>已测量 {outcome} 个模型。选择一行可保存它或载入对话。</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Cancelled; the rows measured so far stay.</source>
        <translation>已取消；已测量的行会保留。</translation>
    </message>
    <message>
        <source>Report cleared.</source>
        <translation>报告已清空。</translation>
    </message>
    <message>
        <source>Report written to {written}</source>
        <translation>报告已写入 {written}</translation>
    </message>
    <message>
        <source>Could not write {path}: {n1}. Choose another folder.</source>
        <translation>无法写入 {path}：{n1}。请选择其他文件夹。</translation>
    </message>
</context>
<context>
    <name>OptimizerPathsPanel</name>
    <message>
        <source>Learning rate η (SGD, Momentum)</source>
        <translation>学习率 η（SGD、动量）</translation>
    </message>
    <message>
        <source>Step size η (AdaGrad, RMSprop, Adam)</source>
        <translation>步长 η（AdaGrad、RMSprop、Adam）</translation>
    </message>
    <message>
        <source>Momentum β</source>
        <translation>动量 β</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Start point</source>
        <translation>起点</translation>
    </message>
    <message>
        <source>SGD and Momentum move θ by η × the gradient: a steep surface needs a small η. AdaGrad, RMSprop and Adam divide the gradient by its running size first, so their step size is roughly how far θ moves in one step, in plot units, however steep the surface.</source>
        <translation>SGD 和动量让 θ 移动 η × 梯度：曲面越陡，η 需要越小。AdaGrad、RMSprop 和 Adam 先把梯度除以其滑动幅度，因此无论曲面多陡，它们的步长大致就是 θ 每步移动的距离（以图的单位计）。</translation>
    </message>
    <message>
        <source>η (SGD, Momentum)</source>
        <translation>η（SGD、动量）</translation>
    </message>
    <message>
        <source>η (AdaGrad, RMSprop, Adam)</source>
        <translation>η（AdaGrad、RMSprop、Adam）</translation>
    </message>
    <message>
        <source>Learning rates</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Averaging and steps</source>
        <translation>滑动平均与步数</translation>
    </message>
    <message>
        <source>Surface</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>{speed} steps/s</source>
        <translation>{speed} 步/秒</translation>
    </message>
    <message>
        <source>Start: ({x}, {y}). Click the plot to start somewhere else.</source>
        <translation>起点：({x}, {y})。单击图上其他位置可更换起点。</translation>
    </message>
    <message>
        <source>Computing the paths…</source>
        <translation>正在计算路径…</translation>
    </message>
    <message>
        <source>Could not compute the paths: {failure}</source>
        <translation>无法计算路径：{failure}</translation>
    </message>
    <message>
        <source>step {step} / {steps}</source>
        <translation>第 {step} / {steps} 步</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>OptimizerSide</name>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Distance
to minimum</source>
        <translation>到最小值
的距离</translation>
    </message>
    <message>
        <source>Update rules (g = ∇L(θ))</source>
        <translation>更新规则（g = ∇L(θ)）</translation>
    </message>
    <message>
        <source>At step {step} of {steps}:</source>
        <translation>第 {step} 步（共 {steps} 步）：</translation>
    </message>
    <message>
        <source>After {step} steps:</source>
        <translation>{step} 步之后：</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>发散</translation>
    </message>
    <message>
        <source>(step {step})</source>
        <translation>（第 {step} 步）</translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>Presenter mode</source>
        <translation>演示模式</translation>
    </message>
    <message>
        <source>Large fonts, high contrast, full screen; PageDown/PageUp step the scenes (F5)</source>
        <translation>大字体、高对比度、全屏；PageDown/PageUp 切换场景（F5）</translation>
    </message>
    <message>
        <source>Next scene</source>
        <translation>下一个场景</translation>
    </message>
    <message>
        <source>Previous scene</source>
        <translation>上一个场景</translation>
    </message>
    <message>
        <source>Open scenes…</source>
        <translation>打开场景…</translation>
    </message>
    <message>
        <source>{name} has no scenes</source>
        <translation>{name} 中没有场景</translation>
    </message>
    <message>
        <source>%1: %2 scenes. PageDown starts.</source>
        <translation>%1：%2 个场景。按 PageDown 开始。</translation>
    </message>
    <message>
        <source>Open a scenes file</source>
        <translation>打开场景文件</translation>
    </message>
    <message>
        <source>scene %1</source>
        <translation>场景 %1</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学习</translation>
    </message>
    <message>
        <source>Lessons with a live demo (F1)</source>
        <translation>带现场演示的课程（F1）</translation>
    </message>
</context>
<context>
    <name>ReplyController</name>
    <message>
        <source> · {count} near-tie (dotted)</source>
        <translation> · {count} 处近似平局（虚线）</translation>
    </message>
    <message>
        <source> · {count} near-ties (dotted)</source>
        <translation> · {count} 处近似平局（虚线）</translation>
    </message>
    <message>
        <source> · context full ({count} tokens)</source>
        <translation> · 上下文已满（{count} 个词元）</translation>
    </message>
    <message>
        <source> · slid past the {count}-token context</source>
        <translation> · 已滑过 {count} 词元的上下文</translation>
    </message>
    <message>
        <source> · reached max tokens</source>
        <translation> · 达到最大词元数</translation>
    </message>
    <message>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <source>Waiting for the first token… · {engine_name}</source>
        <translation>等待首个词元… · {engine_name}</translation>
    </message>
    <message>
        <source>Branching from token {n0}… · {engine_name}</source>
        <translation>正在从第 {n0} 个词元分支… · {engine_name}</translation>
    </message>
    <message>
        <source>context %v / %m tokens</source>
        <translation>上下文 %v / %m 个词元</translation>
    </message>
    <message>
        <source> · oldest left out</source>
        <translation> · 最早的内容已略去</translation>
    </message>
    <message>
        <source>⑂ This branch parts here from the reply it was forked from.</source>
        <translation>⑂ 这个分支从这里与原回复分开。</translation>
    </message>
    <message>
        <source>Generating… {steps} tokens · {rate:.1f} tokens/s · first token {elapsed:.2f} s · {engine}</source>
        <translation>正在生成… {steps} 个词元 · {rate:.1f} 词元/秒 · 首个词元 {elapsed:.2f} 秒 · {engine}</translation>
    </message>
    <message>
        <source> · branched at token {number}</source>
        <translation> · 从第 {number} 个词元分支</translation>
    </message>
    <message>
        <source>{count} tokens · {rate:.1f} tokens/s · first token {first:.2f} s · {engine}{stop}{branched}</source>
        <translation>{count} 个词元 · {rate:.1f} 词元/秒 · 首个词元 {first:.2f} 秒 · {engine}{stop}{branched}</translation>
    </message>
    <message>
        <source>: tick “Slide past a full context” to go on</source>
        <translation>：勾选“超出上下文后滑动窗口”即可继续</translation>
    </message>
    <message>
        <source>{count} tokens · interrupted</source>
        <translation>{count} 个词元 · 已中断</translation>
    </message>
    <message>
        <source>The reply failed: {error} The conversation is kept; try again, or change the model, device or settings.</source>
        <translation>回复失败：{error} 对话已保留；请重试，或更换模型、设备或设置。</translation>
    </message>
    <message>
        <source>The last reply failed.</source>
        <translation>最后一次回复失败。</translation>
    </message>
</context>
<context>
    <name>ReportTable</name>
    <message>
        <source>{name}: {dtype} on {device}</source>
        <translation>{name}：{dtype}，在 {device} 上</translation>
    </message>
    <message>
        <source>{nonzero:,} of {total:,} weights are non-zero ({zeros:.1%} zeros)</source>
        <translation>{total:,} 个权重中有 {nonzero:,} 个非零（{zeros:.1%} 为零）</translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Past runs. Select several (Ctrl/Shift-click) to overlay their loss curves.</source>
        <translation>以往的运行。选择多个（Ctrl/Shift 单击）可叠加它们的损失曲线。</translation>
    </message>
    <message>
        <source>Chat with this model</source>
        <translation>与此模型对话</translation>
    </message>
    <message>
        <source>Inspect architecture</source>
        <translation>查看架构</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the selected run exactly where its last checkpoint left off</source>
        <translation>从所选运行最后一个检查点处精确继续</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Could not list the runs: {message}</source>
        <translation>无法列出运行记录：{message}</translation>
    </message>
    <message>
        <source>loss {loss:.3f}</source>
        <translation>损失 {loss:.3f}</translation>
    </message>
    <message>
        <source>training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>{n} steps</source>
        <translation>{n} 步</translation>
    </message>
    <message>
        <source>damaged: {message}</source>
        <translation>已损坏：{message}</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行记录</translation>
    </message>
    <message>
        <source>Delete {names} and its checkpoints from disk?</source>
        <translation>从磁盘删除 {names} 及其检查点？</translation>
    </message>
</context>
<context>
    <name>SampleView</name>
    <message>
        <source>Samples from the model appear here while it trains.</source>
        <translation>训练期间，模型生成的样本显示在这里。</translation>
    </message>
    <message>
        <source>step {step:,}</source>
        <translation>第 {step:,} 步</translation>
    </message>
    <message>
        <source> · {accuracy:.0%} right</source>
        <translation> · 正确率 {accuracy:.0%}</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>0 (greedy)</source>
        <translation>0（贪心）</translation>
    </message>
    <message>
        <source>Divides the logits before softmax. Low = safe and repetitive, high = surprising. 0 always picks the most likely token (greedy).</source>
        <translation>在 softmax 之前除以 logits。低 = 稳妥而重复，高 = 出人意料。0 总是选最可能的词元（贪心）。</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Only the k most likely tokens can be picked. 0 = off.</source>
        <translation>只能从最可能的 k 个词元中选取。0 = 关闭。</translation>
    </message>
    <message>
        <source>Nucleus sampling: only the most likely tokens whose probabilities add up to p can be picked. 1 = off.</source>
        <translation>核采样：只能从概率累计达到 p 的最可能词元中选取。1 = 关闭。</translation>
    </message>
    <message>
        <source>Above 1, tokens already in the conversation become less likely. 1 = off.</source>
        <translation>大于 1 时，对话中已出现的词元概率降低。1 = 关闭。</translation>
    </message>
    <message>
        <source>The longest reply, in tokens.</source>
        <translation>回复的最大长度（词元数）。</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>A fixed seed reproduces a sampled reply exactly. Lowest value = random.</source>
        <translation>固定种子可精确复现一次采样回复。最小值 = 随机。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Slide past a full context</source>
        <translation>超出上下文后滑动窗口</translation>
    </message>
    <message>
        <source>When prompt and reply fill the model&apos;s context, keep writing from its last context-length tokens (the oldest, the prompt first, are forgotten; each token past it re-reads the whole window). Off: the reply stops with “context full”. Small models trained here have learned positions: nothing exists past their context.</source>
        <translation>当提示和回复填满模型的上下文时，继续基于最后一个上下文长度的词元写下去（最早的内容——先是提示——会被遗忘；超出后的每个词元都要重读整个窗口）。关闭：回复在“上下文已满”时停止。这里训练的小模型使用学习的位置编码：超出其上下文就不存在位置。</translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tokens in → out</source>
        <translation>词元 输入 → 输出</translation>
    </message>
    <message>
        <source>Seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Local server (OpenAI-compatible)</source>
        <translation>本地服务器（OpenAI 兼容）</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>The OpenAI base URL: give it to any OpenAI client (any API key works).</source>
        <translation>OpenAI 基础 URL：可提供给任何 OpenAI 客户端（任意 API 密钥均可）。</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>复制 URL</translation>
    </message>
    <message>
        <source>Start server</source>
        <translation>启动服务器</translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation>停止服务器</translation>
    </message>
    <message>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Serving {model_id}</source>
        <translation>正在提供 {model_id}</translation>
    </message>
    <message>
        <source>Could not serve: {message}</source>
        <translation>无法提供服务：{message}</translation>
    </message>
    <message>
        <source>Could not start the server</source>
        <translation>无法启动服务器</translation>
    </message>
    <message>
        <source>Serves the current model to any OpenAI client on this machine (127.0.0.1 only). Requests run one at a time.</source>
        <translation>在本机（仅 127.0.0.1）为任何 OpenAI 客户端提供当前模型。请求逐个处理。</translation>
    </message>
</context>
<context>
    <name>StageStrip</name>
    <message>
        <source>preprocess</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>forward</source>
        <translation>前向</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>backprop</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>step %1: forward → loss %2 → backprop (gradient norm %3) → update (lr %4)</source>
        <translation>第 %1 步：前向 → 损失 %2 → 反向传播（梯度范数 %3）→ 更新（学习率 %4）</translation>
    </message>
    <message>
        <source>model built with random weights: %1 parameters</source>
        <translation>已用随机权重构建模型：%1 个参数</translation>
    </message>
    <message>
        <source>preparing the data (tokenizing)…</source>
        <translation>正在准备数据（分词）…</translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <source>not measured yet</source>
        <translation>尚未测量</translation>
    </message>
    <message>
        <source>Training assumptions</source>
        <translation>训练假设</translation>
    </message>
    <message>
        <source>Matrix-multiply speed of this machine (measured; type your own, e.g. a GPU&apos;s)</source>
        <translation>本机的矩阵乘法速度（实测；也可输入你自己的，例如 GPU 的）</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Time a few 1024×1024 matrix multiplies on this device (about a second)</source>
        <translation>在此设备上计时几次 1024×1024 矩阵乘法（约一秒）</translation>
    </message>
    <message>
        <source>Training tokens D: type 2.7B, 500M, …</source>
        <translation>训练词元数 D：可输入 2.7B、500M、…</translation>
    </message>
    <message>
        <source>compute-optimal (20·N)</source>
        <translation>计算最优（20·N）</translation>
    </message>
    <message>
        <source>mixed bf16</source>
        <translation>混合 bf16</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Training tokens D</source>
        <translation>训练词元数 D</translation>
    </message>
    <message>
        <source>Batch B × length T</source>
        <translation>批大小 B × 长度 T</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>typed in</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <source>&lt;p&gt;No model yet. Load one from the toolbar, or pick a preset.&lt;/p&gt;</source>
        <translation>&lt;p&gt;还没有模型。请从工具栏加载一个，或选择一个预设。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>✓ equals sum(p.numel()) of the instantiated model</source>
        <translation>✓ 等于实例化模型的 sum(p.numel())</translation>
    </message>
    <message>
        <source>✗ the instantiated model has {n}</source>
        <translation>✗ 实例化模型有 {n} 个</translation>
    </message>
    <message>
        <source>  (symbols: V vocabulary, d width, L layers, h heads, h_kv key/value heads, d_h head width, f MLP width, P context)</source>
        <translation>（符号：V 词表大小，d 宽度，L 层数，h 注意力头数，h_kv 键/值头数，d_h 头宽度，f MLP 宽度，P 上下文长度）</translation>
    </message>
    <message>
        <source>Parameters N = {exact} ({short})</source>
        <translation>参数量 N = {exact}（{short}）</translation>
    </message>
    <message>
        <source>Tied weights count once.</source>
        <translation>绑定的权重只计一次。</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>部分</translation>
    </message>
    <message>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Weights in memory = N × bytes per parameter</source>
        <translation>权重占用的内存 = N × 每个参数的字节数</translation>
    </message>
    <message>
        <source>int4 needs a little more for its scales (~4.5 bits per weight in GGUF Q4).</source>
        <translation>int4 还需要一点空间存缩放因子（GGUF Q4 中约每个权重 4.5 位）。</translation>
    </message>
    <message>
        <source>Compute per token ≈ 2·N + 2·L·T·h·d_h = {flops}</source>
        <translation>每个词元的计算量 ≈ 2·N + 2·L·T·h·d_h = {flops}</translation>
    </message>
    <message>
        <source>2·N = {dense} (N without the embedding lookup, with the LM head) + attention at the full context T = {context}: 2 × {layers} × {context} × {heads} × {head_size} = {attention}.</source>
        <translation>2·N = {dense}（N 不含嵌入查表，含 LM 头）+ 完整上下文 T = {context} 时的注意力：2 × {layers} × {context} × {heads} × {head_size} = {attention}。</translation>
    </message>
    <message>
        <source>That is one forward pass; training adds the backward pass (2×), so ≈ 6·N per token.</source>
        <translation>这是一次前向传播；训练还要加上反向传播（2 倍），所以每个词元约 6·N。</translation>
    </message>
    <message>
        <source>Grouped-query attention: {heads} query heads share {kv_heads} key/value heads, so the cache is {ratio}× smaller than with one K/V per head.</source>
        <translation>分组查询注意力：{heads} 个查询头共享 {kv_heads} 个键/值头，所以缓存比每个头一组 K/V 小 {ratio} 倍。</translation>
    </message>
    <message>
        <source>KV cache = 2·L·h_kv·d_h × 2 bytes (bf16)</source>
        <translation>KV 缓存 = 2·L·h_kv·d_h × 2 字节（bf16）</translation>
    </message>
    <message>
        <source>2 × {layers} × {kv_heads} × {head_size} × 2 = &lt;b&gt;{per_token} per token&lt;/b&gt;; at the full context of {context} tokens: &lt;b&gt;{full}&lt;/b&gt; per sequence.</source>
        <translation>2 × {layers} × {kv_heads} × {head_size} × 2 = &lt;b&gt;每个词元 {per_token}&lt;/b&gt;；在 {context} 个词元的完整上下文下：每个序列 &lt;b&gt;{full}&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>(speed {how}; real training reaches maybe 30–50 % of a plain matmul, so expect 2–3× longer)</source>
        <translation>（速度：{how}；真实训练大约只能达到纯矩阵乘法的 30–50 %，所以预计要多花 2–3 倍时间）</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>(Chinchilla, Hoffmann et al. 2022)</source>
        <translation>（Chinchilla，Hoffmann 等，2022）</translation>
    </message>
    <message>
        <source>Compute-optimal data ≈ 20·N = &lt;b&gt;{tokens} tokens&lt;/b&gt; {source}.</source>
        <translation>计算最优的数据量 ≈ 20·N = &lt;b&gt;{tokens} 个词元&lt;/b&gt;{source}。</translation>
    </message>
    <message>
        <source>Time ≈ 6·N·D / FLOP/s = 6 × {n} × {d} / {flops}/s = &lt;b&gt;{duration}&lt;/b&gt; {caveat}.</source>
        <translation>时间 ≈ 6·N·D / FLOP/s = 6 × {n} × {d} / {flops}/s = &lt;b&gt;{duration}&lt;/b&gt;{caveat}。</translation>
    </message>
    <message>
        <source>Activations (B = {batch}, T = {length})</source>
        <translation>激活值（B = {batch}，T = {length}）</translation>
    </message>
    <message>
        <source>Weights (fp32)</source>
        <translation>权重（fp32）</translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>AdamW states (m, v)</source>
        <translation>AdamW 状态（m, v）</translation>
    </message>
    <message>
        <source>Memory = weights + gradients + optimizer states + activations</source>
        <translation>内存 = 权重 + 梯度 + 优化器状态 + 激活值</translation>
    </message>
    <message>
        <source>(4 + 4 + 8 bytes per parameter; activations ≈ L·B·T·(34·d + 5·h·T) bytes in 16-bit, twice that in fp32, + the fp32 logits B·T·V·4; the Training tab&apos;s estimate is the same formula)</source>
        <translation>（每个参数 4 + 4 + 8 字节；激活值 ≈ L·B·T·(34·d + 5·h·T) 字节（16 位），fp32 时翻倍，再加上 fp32 的 logits B·T·V·4；训练页的估算用的是同一个公式）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>TechniquePanel</name>
    <message>
        <source>activation</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Techniques</source>
        <translation>技术</translation>
    </message>
    <message>
        <source>Tick one or more; each makes a variant of the current model (the model itself is never changed).</source>
        <translation>勾选一项或多项；每项生成当前模型的一个变体（模型本身不会改变）。</translation>
    </message>
    <message>
        <source>Magnitude pruning: the fraction of each layer&apos;s weights set to zero (0–0.99). {safe:g} keeps the built-in model usable; from 0.35 on it breaks.</source>
        <translation>幅值剪枝：每层权重中置零的比例（0–0.99）。{safe:g} 时内置模型仍可用；从 0.35 起就会失效。</translation>
    </message>
    <message>
        <source>Head pruning: query heads removed in every layer (the least important ones).</source>
        <translation>注意力头剪枝：每层移除的查询头数（最不重要的那些）。</translation>
    </message>
    <message>
        <source>MLP pruning: the fraction of hidden channels removed in every layer.</source>
        <translation>MLP 剪枝：每层移除的隐藏通道比例。</translation>
    </message>
    <message>
        <source>How heads/channels are ranked. activation: their measured contribution on a little calibration text; weight: the norms of their weights (no data).</source>
        <translation>注意力头/通道的排序方式。激活：在少量校准文本上测得的贡献；权重：其权重的范数（无需数据）。</translation>
    </message>
    <message>
        <source>Weight-only int8/int4: how many weights share one scale. Smaller groups are more accurate and cost a little more memory.</source>
        <translation>仅权重 int8/int4：多少个权重共享一个缩放因子。分组越小越精确，内存开销略大。</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>稀疏度</translation>
    </message>
    <message>
        <source>Heads to remove / layer</source>
        <translation>每层移除的头数</translation>
    </message>
    <message>
        <source>MLP channels to remove</source>
        <translation>要移除的 MLP 通道比例</translation>
    </message>
    <message>
        <source>Importance</source>
        <translation>重要性</translation>
    </message>
    <message>
        <source>Group size</source>
        <translation>分组大小</translation>
    </message>
</context>
<context>
    <name>TokenDistributionChart</name>
    <message>
        <source>Click a token of a reply to see the distribution it was sampled from.</source>
        <translation>单击回复中的某个词元，查看它被采样时的分布。</translation>
    </message>
    <message>
        <source>Click another token to branch the reply from here with it</source>
        <translation>单击另一个词元，用它从这里分支回复</translation>
    </message>
    <message>
        <source>probability (%)</source>
        <translation>概率 (%)</translation>
    </message>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt;: sampled &lt;b&gt;{sampled}&lt;/b&gt;&lt;br&gt;raw softmax {sampled_raw:.1%} → {sampled_final:.1%} with the settings now ({kept:,} of {vocab_size:,} tokens can be picked)&lt;br&gt;&lt;i&gt;Axis 0–{scale} %, kept while this token is shown.&lt;/i&gt;</source>
        <translation>&lt;b&gt;{heading}&lt;/b&gt;：采样得到“&lt;b&gt;{sampled}&lt;/b&gt;”&lt;br&gt;原始 softmax {sampled_raw:.1%} → 按当前设置 {sampled_final:.1%}（{vocab_size:,} 个词元中有 {kept:,} 个可被选中）&lt;br&gt;&lt;i&gt;坐标轴 0–{scale} %，显示此词元期间保持不变。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>{n0} raw softmax &amp;nbsp; {n1} after your settings &amp;nbsp; {n2} sampled &amp;nbsp; &lt;i&gt;cut&lt;/i&gt; = removed by top-k/top-p</source>
        <translation>{n0} 原始 softmax &amp;nbsp; {n1} 按你的设置 &amp;nbsp; {n2} 已采样 &amp;nbsp; &lt;i&gt;截断&lt;/i&gt; = 被 top-k/top-p 移除</translation>
    </message>
</context>
<context>
    <name>TokenInspector</name>
    <message>
        <source>That reply was written by another model. Load it again to inspect its tokens.</source>
        <translation>那条回复由另一个模型生成。请重新加载该模型以查看其词元。</translation>
    </message>
    <message>
        <source>Token {number} of this reply</source>
        <translation>这条回复的第 {number} 个词元</translation>
    </message>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt;: running the model…</source>
        <translation>&lt;b&gt;{heading}&lt;/b&gt;：正在运行模型…</translation>
    </message>
    <message>
        <source>Could not run the model for that token: {message}</source>
        <translation>无法为该词元运行模型：{message}</translation>
    </message>
</context>
<context>
    <name>TokenPiecesView</name>
    <message>
        <source>Each token has its own tint (two alternate, so every boundary shows); bold purple: control tokens of the chat template; red: unknown (&lt;unk&gt;); ‹e8 8d›: bytes of a character cut across tokens. · is a space, ↵ a newline, ⇥ a tab. Hover a token for its id.</source>
        <translation>每个词元有自己的底色（两种交替，所以每个边界都可见）；粗体紫色：对话模板的控制词元；红色：未知（&lt;unk&gt;）；‹e8 8d›：被切分到多个词元中的字符字节。· 是空格，↵ 是换行，⇥ 是制表符。悬停词元可查看其 id。</translation>
    </message>
    <message>
        <source>a control token (part of the chat template, not text)</source>
        <translation>控制词元（对话模板的一部分，不是文本）</translation>
    </message>
    <message>
        <source>unknown: this tokenizer has no token for the text here</source>
        <translation>未知：此分词器没有对应这里文本的词元</translation>
    </message>
    <message>
        <source>bytes {bytes} of a character cut across tokens</source>
        <translation>被切分到多个词元中的一个字符的字节 {bytes}</translation>
    </message>
    <message>
        <source>; they complete “{text}”</source>
        <translation>；它们组成“{text}”</translation>
    </message>
    <message>
        <source>Token {number} · id &lt;b&gt;{id}&lt;/b&gt;</source>
        <translation>词元 {number} · id &lt;b&gt;{id}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Characters (the built-in corpus)</source>
        <translation>字符（内置语料库）</translation>
    </message>
    <message>
        <source>Byte-level BPE, {n:,} tokens (trained on the built-in corpus)</source>
        <translation>字节级 BPE，{n:,} 个词元（在内置语料库上训练）</translation>
    </message>
    <message>
        <source> (the first {n:,} are drawn)</source>
        <translation>（仅绘制前 {n:,} 个）</translation>
    </message>
    <message>
        <source> · {ratio:.1f} characters per token</source>
        <translation> · 每个词元 {ratio:.1f} 个字符</translation>
    </message>
    <message>
        <source>{count:,} tokens · {chars:,} characters{per}{more} · vocabulary {vocab_size:,}</source>
        <translation>{count:,} 个词元 · {chars:,} 个字符{per}{more} · 词表 {vocab_size:,}</translation>
    </message>
</context>
<context>
    <name>TokenizerPage</name>
    <message>
        <source>Spelling: strawberry</source>
        <translation>拼写：strawberry</translation>
    </message>
    <message>
        <source>Chinese costs more</source>
        <translation>中文更费词元</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>Python code</source>
        <translation>Python 代码</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>表情符号</translation>
    </message>
    <message>
        <source>The model never sees letters, only token ids: to it “strawberry” is a few tokens, so counting its r&apos;s means remembering how each token is spelled. Characters make every letter a token, but text gets long, and any character the corpus never had is &lt;unk&gt;. A BPE trained on English gives Chinese 3 byte tokens per character: the same sentence costs several times more tokens.</source>
        <translation>模型看不到字母，只看到词元 id：对它来说 “strawberry” 只是几个词元，所以要数其中的 r，就得记住每个词元的拼写。按字符切分时每个字母都是一个词元，但文本会变长，而语料中从未出现过的字符都是 &lt;unk&gt;。在英文上训练的 BPE 会让每个汉字占 3 个字节词元：同一句话要多花好几倍的词元。</translation>
    </message>
    <message>
        <source>Type text to see how each tokenizer splits it</source>
        <translation>输入文本，查看各分词器如何切分它</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>示例…</translation>
    </message>
    <message>
        <source>Put an example in the box</source>
        <translation>把一个示例放进输入框</translation>
    </message>
    <message>
        <source>The current model&apos;s tokenizer</source>
        <translation>当前模型的分词器</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Byte-level BPE</source>
        <translation>字节级 BPE</translation>
    </message>
    <message>
        <source>No model loaded: pick one in the toolbar to see its tokenizer.</source>
        <translation>未加载模型：请在工具栏中选择一个以查看其分词器。</translation>
    </message>
    <message>
        <source>Training a small BPE on the built-in corpus (once, about a second)…</source>
        <translation>正在内置语料上训练一个小型 BPE（仅一次，约一秒）…</translation>
    </message>
    <message>
        <source>Could not split the text: {message}</source>
        <translation>无法切分文本：{message}</translation>
    </message>
</context>
<context>
    <name>Tokens</name>
    <message>
        <source>Dotted underline: a near-tie, a greedy pick whose runner-up was almost as likely (at least 90% as likely); a small change, such as another engine or int8 weights, can flip it and everything after it.</source>
        <translation>点状下划线：近似平局，即贪心选择的第二名几乎一样可能（至少为其 90%）；很小的变化（如换一个引擎或 int8 权重）就可能翻转它及其后的全部内容。</translation>
    </message>
    <message>
        <source>near-tie: &apos;{chosen}&apos; {chosen_prob} vs &apos;{runner_up}&apos; {runner_up_prob}</source>
        <translation>近似平局：“{chosen}” {chosen_prob} 对 “{runner_up}” {runner_up_prob}</translation>
    </message>
    <message>
        <source>&lt;b&gt;⚠ {tie}&lt;/b&gt; (raw softmax): the model barely preferred this token; a small change (another engine, int8 weights) can flip it.</source>
        <translation>&lt;b&gt;⚠ {tie}&lt;/b&gt;（原始 softmax）：模型只是勉强选了这个词元；很小的变化（换一个引擎、int8 权重）就可能翻转它。</translation>
    </message>
    <message>
        <source>Click to see the whole distribution.</source>
        <translation>单击查看完整分布。</translation>
    </message>
    <message>
        <source>{token} — {prob} when sampled (model&apos;s raw softmax: {raw_prob})</source>
        <translation>{token} — 采样时概率 {prob}（模型的原始 softmax：{raw_prob}）</translation>
    </message>
    <message>
        <source>Top 5 at this position:</source>
        <translation>此位置的前 5 名：</translation>
    </message>
</context>
<context>
    <name>TokensController</name>
    <message>
        <source>Load a model to see the tokens it reads (toolbar, Model).</source>
        <translation>加载模型以查看它读取的词元（工具栏，模型）。</translation>
    </message>
    <message>
        <source>The conversation is empty: send a message to see its tokens.</source>
        <translation>对话为空：发送一条消息以查看其词元。</translation>
    </message>
    <message>
        <source>Could not split the conversation into tokens: {message}</source>
        <translation>无法把对话切分成词元：{message}</translation>
    </message>
    <message>
        <source>{count:,} token</source>
        <translation>{count:,} 个词元</translation>
    </message>
    <message>
        <source>{count:,} tokens</source>
        <translation>{count:,} 个词元</translation>
    </message>
</context>
<context>
    <name>TrainConfigPanel</name>
    <message>
        <source>Custom architecture (from the config builder)</source>
        <translation>自定义架构（来自配置构建器）</translation>
    </message>
    <message>
        <source>Train from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <source>Fine-tune the current model (all weights)</source>
        <translation>微调当前模型（全部权重）</translation>
    </message>
    <message>
        <source>Fine-tune the current model (LoRA)</source>
        <translation>微调当前模型（LoRA）</translation>
    </message>
    <message>
        <source>Built-in English corpus</source>
        <translation>内置英文语料</translation>
    </message>
    <message>
        <source>Synthetic task</source>
        <translation>合成任务</translation>
    </message>
    <message>
        <source>Text file (.txt/.md)</source>
        <translation>文本文件（.txt/.md）</translation>
    </message>
    <message>
        <source>Folder of text files</source>
        <translation>文本文件所在文件夹</translation>
    </message>
    <message>
        <source>Chat file (JSONL)</source>
        <translation>对话文件（JSONL）</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Byte-level BPE (trained on the data)</source>
        <translation>字节级 BPE（在数据上训练）</translation>
    </message>
    <message>
        <source>The model&apos;s own</source>
        <translation>模型自带的</translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Optimizer race: SGD, Momentum, RMSprop, Adam</source>
        <translation>优化器竞赛：SGD、Momentum、RMSprop、Adam</translation>
    </message>
    <message>
        <source>What to train</source>
        <translation>训练什么</translation>
    </message>
    <message>
        <source>From scratch builds a new model; fine-tuning starts from the model selected in the toolbar.</source>
        <translation>从头训练会构建新模型；微调则从工具栏中选中的模型开始。</translation>
    </message>
    <message>
        <source>Model (from scratch)</source>
        <translation>模型（从头训练）</translation>
    </message>
    <message>
        <source>GPT-2 (LayerNorm, learned positions)</source>
        <translation>GPT-2（LayerNorm、学习的位置嵌入）</translation>
    </message>
    <message>
        <source>Llama (RMSNorm, RoPE, SwiGLU, GQA)</source>
        <translation>Llama（RMSNorm、RoPE、SwiGLU、GQA）</translation>
    </message>
    <message>
        <source>Transformer blocks stacked on top of each other</source>
        <translation>相互堆叠的 Transformer 块</translation>
    </message>
    <message>
        <source>Attention heads; must divide the width</source>
        <translation>注意力头数；必须能整除宽度</translation>
    </message>
    <message>
        <source>Key/value heads (Llama grouped-query attention); 0 = one per head. Must divide the heads.</source>
        <translation>键/值头数（Llama 分组查询注意力）；0 = 每个头一个。必须能整除头数。</translation>
    </message>
    <message>
        <source>= heads</source>
        <translation>= 头数</translation>
    </message>
    <message>
        <source>Embedding width (n_embd / hidden_size)</source>
        <translation>嵌入宽度（n_embd / hidden_size）</translation>
    </message>
    <message>
        <source>MLP hidden width; 0 = automatic (4× width for GPT-2, ≈ 8/3× for Llama)</source>
        <translation>MLP 隐藏层宽度；0 = 自动（GPT-2 为 4× 宽度，Llama 约为 8/3×）</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Longest sequence the model reads</source>
        <translation>模型读取的最长序列</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation>KV 头数</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>FFN width</source>
        <translation>FFN 宽度</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>丢弃率</translation>
    </message>
    <message>
        <source>LoRA adapters</source>
        <translation>LoRA 适配器</translation>
    </message>
    <message>
        <source>Rank of each adapter (A: d×r, B: r×d)</source>
        <translation>每个适配器的秩（A：d×r，B：r×d）</translation>
    </message>
    <message>
        <source>Scale: the adapter is multiplied by alpha/r</source>
        <translation>缩放：适配器乘以 alpha/r</translation>
    </message>
    <message>
        <source>Linear layers that get adapters, e.g. q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj</source>
        <translation>添加适配器的线性层，例如 q_proj、k_proj、v_proj、o_proj、gate_proj、up_proj、down_proj</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>α</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>目标层</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Choose a file or folder…</source>
        <translation>选择文件或文件夹…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>reverse</source>
        <translation>反转</translation>
    </message>
    <message>
        <source>sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>add</source>
        <translation>加法</translation>
    </message>
    <message>
        <source>Digits per example (per number for &apos;add&apos;)</source>
        <translation>每个样例的位数（“加法”任务为每个数的位数）</translation>
    </message>
    <message>
        <source>How many tokens the BPE tokenizer learns</source>
        <translation>BPE 分词器学习的词元数</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>位数</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>BPE vocab</source>
        <translation>BPE 词表</translation>
    </message>
    <message>
        <source>Optimization</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>Peak learning rate (arrows halve/double it)</source>
        <translation>峰值学习率（箭头键减半/加倍）</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>Linear decay</source>
        <translation>线性衰减</translation>
    </message>
    <message>
        <source>Warm-up + cosine</source>
        <translation>预热 + 余弦</translation>
    </message>
    <message>
        <source>Steps of linear warm-up</source>
        <translation>线性预热的步数</translation>
    </message>
    <message>
        <source>L2 weight decay (decoupled for AdamW)</source>
        <translation>L2 权重衰减（AdamW 为解耦式）</translation>
    </message>
    <message>
        <source>L1 penalty: pushes weights to exactly zero</source>
        <translation>L1 惩罚：把权重推向恰好为零</translation>
    </message>
    <message>
        <source>Clip the gradient norm to this; 0 = off</source>
        <translation>将梯度范数裁剪到此值；0 = 关闭</translation>
    </message>
    <message>
        <source>Sequences per micro-batch</source>
        <translation>每个微批的序列数</translation>
    </message>
    <message>
        <source>Micro-batches per optimizer step</source>
        <translation>每个优化器步的微批数</translation>
    </message>
    <message>
        <source>Optimizer steps</source>
        <translation>优化器步数</translation>
    </message>
    <message>
        <source>Steps between validation losses (0 = never)</source>
        <translation>两次验证损失之间的步数（0 = 从不）</translation>
    </message>
    <message>
        <source>Steps between samples (0 = never)</source>
        <translation>两次采样之间的步数（0 = 从不）</translation>
    </message>
    <message>
        <source>Same seed + same settings = the same run</source>
        <translation>相同种子 + 相同设置 = 相同的运行</translation>
    </message>
    <message>
        <source>bfloat16 autocast</source>
        <translation>bfloat16 自动混合精度</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>Weight decay (L2)</source>
        <translation>权重衰减（L2）</translation>
    </message>
    <message>
        <source>L1 penalty</source>
        <translation>L1 惩罚</translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Grad accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Validate every</source>
        <translation>验证间隔</translation>
    </message>
    <message>
        <source>Sample every</source>
        <translation>采样间隔</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Trains the same small GPT four times, once per optimizer (each with a learning rate that suits it), and overlays their loss curves.</source>
        <translation>用同一个小 GPT 训练四次，每个优化器一次（各用适合它的学习率），并叠加它们的损失曲线。</translation>
    </message>
    <message>
        <source>Choose a folder of .txt/.md files</source>
        <translation>选择包含 .txt/.md 文件的文件夹</translation>
    </message>
    <message>
        <source>Chat files (*.jsonl)</source>
        <translation>对话文件 (*.jsonl)</translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All files (*)</source>
        <translation>文本 (*.txt *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose training data</source>
        <translation>选择训练数据</translation>
    </message>
    <message>
        <source>Base model: &lt;b&gt;{base_label}&lt;/b&gt;</source>
        <translation>基础模型：&lt;b&gt;{base_label}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>vocab ≈ {vocab:,}</source>
        <translation>词表 ≈ {vocab:,}</translation>
    </message>
    <message>
        <source>the synthetic task&apos;s tokens</source>
        <translation>合成任务的词元</translation>
    </message>
    <message>
        <source>BPE tokenizer</source>
        <translation>BPE 分词器</translation>
    </message>
    <message>
        <source>char tokenizer</source>
        <translation>字符分词器</translation>
    </message>
    <message>
        <source>vocabulary {spec:,} → {vocab:,} ({why})</source>
        <translation>词表 {spec:,} → {vocab:,}（{why}）</translation>
    </message>
    <message>
        <source>&lt;b&gt;{n}&lt;/b&gt; parameters ({n1:,}, {n2})&lt;br&gt;Training memory ≈ &lt;b&gt;{total}&lt;/b&gt; (weights {weights}, optimizer {optimizer}, activations {activations})</source>
        <translation>&lt;b&gt;{n}&lt;/b&gt; 个参数（{n1:,}，{n2}）&lt;br&gt;训练内存 ≈ &lt;b&gt;{total}&lt;/b&gt;（权重 {weights}，优化器 {optimizer}，激活 {activations}）</translation>
    </message>
    <message>
        <source>Counted exactly from the architecture; memory is an estimate.</source>
        <translation>参数量按架构精确计算；内存为估计值。</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>x axis</source>
        <translation>横轴</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Log scale (y)</source>
        <translation>对数刻度（y）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Throughput (smoothed)</source>
        <translation>吞吐量（平滑）</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>train (raw)</source>
        <translation>训练（原始）</translation>
    </message>
    <message>
        <source>train (smoothed)</source>
        <translation>训练（平滑）</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Could not write {path}</source>
        <translation>无法写入 {path}</translation>
    </message>
    <message>
        <source>Export metrics as CSV</source>
        <translation>将指标导出为 CSV</translation>
    </message>
    <message>
        <source>Export plots as PNG</source>
        <translation>将图表导出为 PNG</translation>
    </message>
</context>
<context>
    <name>TrainingPresets</name>
    <message>
        <source>Char-level GPT on Python&apos;s docs (default)</source>
        <translation>字符级 GPT，在 Python 文档上训练（默认）</translation>
    </message>
    <message>
        <source>A 4-layer GPT reads Python&apos;s built-in documentation one character at a time. Within a couple of minutes on a laptop CPU it starts writing English words.</source>
        <translation>一个 4 层 GPT 逐字符阅读 Python 自带的文档。在笔记本电脑的 CPU 上，几分钟内它就开始写出英文单词。</translation>
    </message>
    <message>
        <source>Char-level Llama (RMSNorm, RoPE, SwiGLU, GQA)</source>
        <translation>字符级 Llama（RMSNorm、RoPE、SwiGLU、GQA）</translation>
    </message>
    <message>
        <source>The same task with a Llama-style block: RMSNorm, rotary positions, SwiGLU and 2 key/value heads shared by 4 query heads.</source>
        <translation>同样的任务，换成 Llama 式的模块：RMSNorm、旋转位置编码、SwiGLU，以及由 4 个查询头共享的 2 个键/值头。</translation>
    </message>
    <message>
        <source>GPT with a BPE tokenizer (512 tokens)</source>
        <translation>使用 BPE 分词器的 GPT（512 个词元）</translation>
    </message>
    <message>
        <source>A byte-level BPE tokenizer is trained on the corpus first; each token is a piece of a word.</source>
        <translation>先在语料库上训练一个字节级 BPE 分词器；每个词元是单词的一部分。</translation>
    </message>
    <message>
        <source>Synthetic task: copy</source>
        <translation>合成任务：复制</translation>
    </message>
    <message>
        <source>Learn to copy 6 digits after &apos;=&apos;. The attention pattern is a clean diagonal offset by the prompt length.</source>
        <translation>学习在“=”之后复制 6 个数字。注意力模式是一条按提示长度偏移的清晰对角线。</translation>
    </message>
    <message>
        <source>Synthetic task: reverse</source>
        <translation>合成任务：反转</translation>
    </message>
    <message>
        <source>Learn to write 6 digits backwards: each answer digit attends to its mirror in the prompt (an anti-diagonal).</source>
        <translation>学习把 6 个数字倒着写：答案中的每个数字都关注提示中与它镜像对应的数字（一条反对角线）。</translation>
    </message>
    <message>
        <source>Synthetic task: sort</source>
        <translation>合成任务：排序</translation>
    </message>
    <message>
        <source>Learn to sort 6 digits.</source>
        <translation>学习给 6 个数字排序。</translation>
    </message>
    <message>
        <source>Synthetic task: add</source>
        <translation>合成任务：加法</translation>
    </message>
    <message>
        <source>Learn to add two 3-digit numbers.</source>
        <translation>学习两个三位数相加。</translation>
    </message>
    <message>
        <source>Fine-tune SmolLM2 with LoRA on a small chat file</source>
        <translation>用 LoRA 在一个小型对话文件上微调 SmolLM2</translation>
    </message>
    <message>
        <source>LoRA adapters (rank 8 on q_proj/v_proj) teach the built-in SmolLM2 the replies in resources/chat_example.jsonl. The loss counts only the assistant&apos;s tokens.</source>
        <translation>LoRA 适配器（在 q_proj/v_proj 上，秩为 8）教内置的 SmolLM2 学会 resources/chat_example.jsonl 中的回复。损失只计算助手的词元。</translation>
    </message>
</context>
<context>
    <name>TrainingTab</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Export run config…</source>
        <translation>导出运行配置…</translation>
    </message>
    <message>
        <source>Open config…</source>
        <translation>打开配置…</translation>
    </message>
    <message>
        <source>Pick a preset and press Start.</source>
        <translation>选择一个预设，然后按“开始”。</translation>
    </message>
    <message>
        <source>Architecture from the Architecture tab&apos;s config builder. Its vocabulary is replaced by the one the tokenizer learns from the data (see below). Check the data and optimizer settings, then press Start.</source>
        <translation>架构来自“架构”标签页的配置构建器。其词表会被分词器从数据中学到的词表替换（见下文）。检查数据和优化器设置，然后按“开始”。</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <source>Starting {n0}…</source>
        <translation>正在启动 {n0}…</translation>
    </message>
    <message>
        <source>a new run</source>
        <translation>新的运行</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paused. Press Resume to continue, or Stop to save a checkpoint and end.</source>
        <translation>已暂停。按“继续”恢复，或按“停止”保存检查点并结束。</translation>
    </message>
    <message>
        <source>Stopping: saving a checkpoint…</source>
        <translation>正在停止：保存检查点…</translation>
    </message>
    <message>
        <source>Training {name}: {n_params:,} parameters ({trainable_params:,} trained) · {data_description}</source>
        <translation>正在训练 {name}：{n_params:,} 个参数（其中 {trainable_params:,} 个参与训练）· {data_description}</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
    </message>
    <message>
        <source>ETA {eta}{paused}</source>
        <translation>剩余 {eta}{paused}</translation>
    </message>
    <message>
        <source>Step {step:,} / {max_steps:,} · loss {loss:.3f} · {tokens_per_s:,.0f} tokens/s · {tail}</source>
        <translation>第 {step:,} / {max_steps:,} 步 · 损失 {loss:.3f} · {tokens_per_s:,.0f} 词元/秒 · {tail}</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Training stopped: the loss diverged</source>
        <translation>训练已停止：损失发散</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Cannot read the run&apos;s metrics</source>
        <translation>无法读取该运行的指标</translation>
    </message>
    <message>
        <source>Cannot resume</source>
        <translation>无法继续</translation>
    </message>
    <message>
        <source>Another model is loading; try again in a moment.</source>
        <translation>另一个模型正在加载，请稍后再试。</translation>
    </message>
    <message>
        <source>Export run config</source>
        <translation>导出运行配置</translation>
    </message>
    <message>
        <source>Open a run config</source>
        <translation>打开运行配置</translation>
    </message>
    <message>
        <source>Cannot open the config</source>
        <translation>无法打开配置</translation>
    </message>
</context>
<context>
    <name>VariantActionsMixin</name>
    <message>
        <source>This variant is the Chat tab&apos;s fast engine (ONNX Runtime), kept in the app&apos;s cache and used automatically for this model: there is no model folder to save. Use Load into Chat.</source>
        <translation>此变体就是“对话”标签页的快速引擎（ONNX Runtime），保存在应用缓存中并自动用于此模型：没有可保存的模型文件夹。请使用“载入对话”。</translation>
    </message>
    <message>
        <source>Save the selected variant as a model folder (safetensors + JSON).</source>
        <translation>将所选变体保存为模型文件夹（safetensors + JSON）。</translation>
    </message>
    <message>
        <source>Make the selected variant the current model (saves it first).</source>
        <translation>将所选变体设为当前模型（会先保存）。</translation>
    </message>
    <message>
        <source>Chat with the current model on this fast engine: selects it in the Chat tab&apos;s Engine box.</source>
        <translation>在这个快速引擎上与当前模型对话：会在“对话”标签页的引擎框中选中它。</translation>
    </message>
    <message>
        <source>Saved to {folder}. Open it any time with File → Open model folder.</source>
        <translation>已保存到 {folder}。随时可用“文件 → 打开模型文件夹”打开。</translation>
    </message>
    <message>
        <source>This row was measured on {base_name}. Load that model again to chat with it on {engine_name}.</source>
        <translation>这一行是在 {base_name} 上测量的。请重新加载该模型，才能用 {engine_name} 与它对话。</translation>
    </message>
    <message>
        <source>Chat now answers with {engine_name}: the same ONNX model this row measured (the Engine box in the Chat tab switches back any time).</source>
        <translation>对话现在使用 {engine_name} 回答：与这一行测量的是同一个 ONNX 模型（随时可在“对话”标签页的引擎框中切换回来）。</translation>
    </message>
    <message>
        <source>The model is busy loading; try again in a moment.</source>
        <translation>模型正在加载，请稍后再试。</translation>
    </message>
    <message>
        <source>Loading {name} into Chat…</source>
        <translation>正在将 {name} 载入对话…</translation>
    </message>
</context>
<context>
    <name>WhyAttentionView</name>
    <message>
        <source>Every head</source>
        <translation>每个头</translation>
    </message>
    <message>
        <source>One row per layer and head instead of each layer&apos;s mean over its heads</source>
        <translation>每层每个头一行，而不是每层所有头的平均</translation>
    </message>
    <message>
        <source>Click “Why this token?” to see what the model looked at.</source>
        <translation>单击“为什么是这个词元？”查看模型关注了什么。</translation>
    </message>
    <message>
        <source>{layers} layers × {heads} heads</source>
        <translation>{layers} 层 × {heads} 个头</translation>
    </message>
    <message>
        <source>{layers} layers, each the mean of its {heads} heads</source>
        <translation>{layers} 层，每层取其 {heads} 个头的平均</translation>
    </message>
    <message>
        <source>Attention when writing “{n0}”</source>
        <translation>写出“{n0}”时的注意力</translation>
    </message>
    <message>
        <source>What the position that wrote it attends to: {what}. Click a row to tint the text by it; hover for the exact weight, wheel to zoom.</source>
        <translation>写出它的位置关注的内容：{what}。单击一行可按其给文本着色；悬停查看精确权重，滚轮缩放。</translation>
    </message>
    <message>
        <source>the mean of every row</source>
        <translation>所有行的平均</translation>
    </message>
    <message>
        <source>&lt;small&gt;Tinted by {which}; reading the boxed token, the model wrote “{n1}”.&lt;/small&gt;&lt;br&gt;&lt;div style=&apos;line-height:150%&apos;&gt;{parts}&lt;/div&gt;</source>
        <translation>&lt;small&gt;按 {which} 着色；读到方框中的词元时，模型写出了“{n1}”。&lt;/small&gt;&lt;br&gt;&lt;div style=&apos;line-height:150%&apos;&gt;{parts}&lt;/div&gt;</translation>
    </message>
</context>
<context>
    <name>WhyLensModel</name>
    <message>
        <source>embed</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>L{layer} out</source>
        <translation>L{layer} 输出</translation>
    </message>
    <message>
        <source>the embeddings alone</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <source>layer {layer}</source>
        <translation>第 {layer} 层</translation>
    </message>
    <message>
        <source>After {where}, the token written (“{token}”) had {percent:.2f} % and was the model&apos;s choice #{rank}</source>
        <translation>经过{where}后，写出的词元（“{token}”）概率为 {percent:.2f} %，是模型的第 {rank} 选择</translation>
    </message>
    <message>
        <source> (the token written)</source>
        <translation>（写出的词元）</translation>
    </message>
    <message>
        <source>After {where}, prediction #{rank}: {text}{written}</source>
        <translation>经过{where}后，第 {rank} 个预测：{text}{written}</translation>
    </message>
</context>
<context>
    <name>WhyLensView</name>
    <message>
        <source>is the output&apos;s choice #{rank}: sampling picked it, not the top one</source>
        <translation>是输出的第 {rank} 选择：由采样选中，而不是排名第一的词元</translation>
    </message>
    <message>
        <source>is the top prediction from the embeddings on</source>
        <translation>从嵌入层起就是排名第一的预测</translation>
    </message>
    <message>
        <source>is the top prediction from layer {layer} on</source>
        <translation>从第 {layer} 层起是排名第一的预测</translation>
    </message>
    <message>
        <source>Logit lens: “{n0}” {target_ranks}.</source>
        <translation>Logit 透镜：“{n0}” {target_ranks}。</translation>
    </message>
    <message>
        <source>What each layer would write if the model stopped there (final norm + LM head). First column: the chance and rank of the token written; then each layer&apos;s top predictions, tinted by probability; bold = the token written.</source>
        <translation>如果模型在该层停止，每层会写出什么（最终归一化 + LM 头）。第一列：所写词元的概率和排名；之后是每层的最高预测，按概率着色；粗体 = 实际写出的词元。</translation>
    </message>
</context>
<context>
    <name>WhyToken</name>
    <message>
        <source>That reply was written by another model. Load it again to see why it wrote its tokens.</source>
        <translation>那条回复由另一个模型生成。请重新加载该模型，查看它为什么写出这些词元。</translation>
    </message>
    <message>
        <source>The prompt of that reply cannot be rebuilt for this model.</source>
        <translation>无法为此模型重建那条回复的提示词。</translation>
    </message>
    <message>
        <source> (the reply was written by {engine})</source>
        <translation>（该回复由 {engine} 生成）</translation>
    </message>
    <message>
        <source>Token {number} of this reply, “{token}”: read on the PyTorch model{written}</source>
        <translation>这条回复的第 {number} 个词元“{token}”：在 PyTorch 模型上读取{written}</translation>
    </message>
    <message>
        <source>{heading}: running the model over {count} tokens…</source>
        <translation>{heading}：正在对 {count} 个词元运行模型…</translation>
    </message>
    <message>
        <source>; the first {count} tokens were left out</source>
        <translation>；开头 {count} 个词元被略去</translation>
    </message>
    <message>
        <source>&lt;b&gt;{heading}&lt;/b&gt; · {token_ids} tokens{cut} · {seconds:.2f} s</source>
        <translation>&lt;b&gt;{heading}&lt;/b&gt; · {token_ids} 个词元{cut} · {seconds:.2f} 秒</translation>
    </message>
    <message>
        <source>Could not look inside the model for that token: {message}</source>
        <translation>无法为该词元查看模型内部：{message}</translation>
    </message>
    <message>
        <source>The model changed: click a token of one of its replies and “Why this token?” again.</source>
        <translation>模型已更换：请单击它的某条回复中的词元，再点“为什么是这个词元？”。</translation>
    </message>
</context>
<context>
    <name>WhyTokenPanel</name>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Hide this panel (Why this token? opens it again)</source>
        <translation>隐藏此面板（“为什么是这个词元？”可再次打开）</translation>
    </message>
</context>
<context>
    <name>layout</name>
    <message>
        <source>Not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
</context>
</TS>
