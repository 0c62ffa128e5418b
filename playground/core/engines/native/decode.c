/* One decode step of a Llama-family GGUF on its own blocks (Q4_0, Q4_1, Q8_0), float32 activations.
 *
 * The GGUF engine's Exact mode runs its prompts on ONNX Runtime and its single-token steps here: ONNX
 * Runtime's 4-bit kernel is ~2.5x slower on float32 activations than on int8 ones, and Q4_1's minimum
 * costs it extra nodes. Here every weight is dequantized in registers and multiplied in float32:
 *   Q4_0  w = d·(q − 8)      Q4_1  w = d·q + m      Q8_0  w = d·q
 * so x·w over a block is d·(x·q) + m·Σx (Q4_0: m = −8d) — the block sums of x are taken once per input.
 * The KV cache is the engine's own numpy buffers, in the ONNX graph's layout (kv_heads, capacity,
 * head_dim), keys after rotary, dims in Hugging Face order: a prompt run by ONNX Runtime and the steps
 * run here read and write the same cache. llama.cpp's converter pairs rotary dims as adjacent rows of
 * attn_q / attn_k; the outputs are rotated in those pairs and then put back in Hugging Face order.
 *
 * Threads: the caller and `threads − 1` workers split each matmul's rows (and attention's heads). Workers
 * spin briefly between phases of a step and sleep between steps.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define PG_X86 1
#endif

enum { Q4_0 = 2, Q4_1 = 3, Q8_0 = 8 }; /* the GGUF type numbers */
#define BLOCK 32

typedef struct {
    const uint8_t *data; /* N rows of K/32 blocks, as the file holds them */
    int type, k, n;
} Mat;

typedef struct {
    const float *attn_norm, *ffn_norm;
    Mat q, k, v, o, gate, up, down;
} Layer;

typedef struct Model Model;
typedef void (*JobFn)(Model *, int first, int last);

struct Model {
    int n_layer, n_embd, n_ff, n_head, n_head_kv, head_dim, vocab, context;
    float eps;
    const float *cos, *sin; /* (context, head_dim/2) */
    const float *out_norm;
    Mat embed, head;
    Layer *layers;
    /* scratch */
    float *x, *xn, *qkv, *att, *act, *y, *xsum, *scores;
    int fast;         /* int8 activations (Fast) instead of float32 (Exact) */
    int8_t *xq;       /* Fast: the matmul's input quantized per block of 32 ... */
    float *dx, *xs;   /* ... its scales (amax/127) and dx·Σq per block */
    int int8;         /* the input prepared now is int8 (Fast's projections; its LM head reads float32) */
    /* the step being run */
    int pos, capacity, layer;
    float **kcache, **vcache, *logits;
    const float *mat_in, *mat_sum;
    /* threads */
    int threads;
    pthread_t *workers;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_int generation, done, quit, sleeping;
    JobFn job;
    int job_items, job_align;
};

/* ------------------------------------------------------------------ fp16 */
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { /* subnormal */
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000 | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return half_to_float(h);
}

static int block_bytes(int type) { return type == Q4_1 ? 20 : type == Q4_0 ? 18 : 34; }

/* ------------------------------------------------------------------ row dot products, portable */
static float dot_generic(const Mat *w, int row, const float *x, const float *xsum) {
    const int nb = w->k / BLOCK, bytes = block_bytes(w->type);
    const uint8_t *b = w->data + (size_t)row * nb * bytes;
    float sum = 0.0f;
    for (int i = 0; i < nb; i++, b += bytes, x += BLOCK) {
        float d = f16(b), t = 0.0f;
        if (w->type == Q8_0) {
            const int8_t *q = (const int8_t *)(b + 2);
            for (int j = 0; j < BLOCK; j++) t += (float)q[j] * x[j];
            sum += d * t;
        } else {
            const uint8_t *q = b + (w->type == Q4_1 ? 4 : 2);
            for (int j = 0; j < 16; j++) t += (float)(q[j] & 15) * x[j] + (float)(q[j] >> 4) * x[j + 16];
            float m = w->type == Q4_1 ? f16(b + 2) : -8.0f * d;
            sum += d * t + m * xsum[i];
        }
    }
    return sum;
}

#ifdef PG_X86
/* Four rows at a time share each block of x and keep four independent sums in flight; the rows are read a
 * few KB ahead (software prefetch): one row at a time ran at about half the speed, memory-bound on latency. */
#define ROWS 4
#define AHEAD 2048

/* AVX-512: one block is 16 lanes of low nibbles (weights 0..15) and 16 of high ones (16..31) */
__attribute__((target("avx512f,f16c,fma"))) static void dot4_avx512(const Mat *w, int row, const float *x,
                                                                     const float *xsum, float *out) {
    const int nb = w->k / BLOCK, bytes = block_bytes(w->type);
    const uint8_t *b[ROWS];
    __m512 acc[ROWS];
    float mins[ROWS];
    for (int r = 0; r < ROWS; r++) {
        b[r] = w->data + (size_t)(row + r) * nb * bytes;
        acc[r] = _mm512_setzero_ps();
        mins[r] = 0.0f;
    }
    if (w->type == Q8_0) {
        for (int i = 0; i < nb; i++, x += BLOCK) {
            const __m512 xl = _mm512_loadu_ps(x), xh = _mm512_loadu_ps(x + 16);
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *p = b[r] + (size_t)i * bytes;
                _mm_prefetch((const char *)p + AHEAD, _MM_HINT_T0);
                __m512 lo = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 2))));
                __m512 hi = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 18))));
                __m512 t = _mm512_fmadd_ps(hi, xh, _mm512_mul_ps(lo, xl));
                acc[r] = _mm512_fmadd_ps(t, _mm512_set1_ps(_cvtsh_ss(*(const uint16_t *)p)), acc[r]);
            }
        }
    } else {
        const int off = w->type == Q4_1 ? 4 : 2;
        const __m512i mask = _mm512_set1_epi32(15);
        for (int i = 0; i < nb; i++, x += BLOCK) {
            const __m512 xl = _mm512_loadu_ps(x), xh = _mm512_loadu_ps(x + 16);
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *p = b[r] + (size_t)i * bytes;
                _mm_prefetch((const char *)p + AHEAD, _MM_HINT_T0);
                __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p + off)));
                __m512 t = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(v, 4)), xh,
                                           _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(v, mask)), xl));
                float d = _cvtsh_ss(*(const uint16_t *)p);
                acc[r] = _mm512_fmadd_ps(t, _mm512_set1_ps(d), acc[r]);
                mins[r] += (off == 4 ? _cvtsh_ss(*(const uint16_t *)(p + 2)) : -8.0f * d) * xsum[i];
            }
        }
    }
    for (int r = 0; r < ROWS; r++) out[r] = _mm512_reduce_add_ps(acc[r]) + mins[r];
}

__attribute__((target("avx2,f16c,fma"))) static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* AVX2: a block is four 8-lane quarters (weights 0..7, 8..15 low nibbles; 16..23, 24..31 high ones) */
__attribute__((target("avx2,f16c,fma"))) static void dot4_avx2(const Mat *w, int row, const float *x,
                                                               const float *xsum, float *out) {
    const int nb = w->k / BLOCK, bytes = block_bytes(w->type);
    const uint8_t *b[ROWS];
    __m256 acc[ROWS];
    float mins[ROWS];
    for (int r = 0; r < ROWS; r++) {
        b[r] = w->data + (size_t)(row + r) * nb * bytes;
        acc[r] = _mm256_setzero_ps();
        mins[r] = 0.0f;
    }
    const int off = w->type == Q4_1 ? 4 : 2;
    const __m256i mask = _mm256_set1_epi32(15);
    for (int i = 0; i < nb; i++, x += BLOCK) {
        const __m256 x0 = _mm256_loadu_ps(x), x1 = _mm256_loadu_ps(x + 8), x2 = _mm256_loadu_ps(x + 16),
                     x3 = _mm256_loadu_ps(x + 24);
        for (int r = 0; r < ROWS; r++) {
            const uint8_t *p = b[r] + (size_t)i * bytes;
            _mm_prefetch((const char *)p + AHEAD, _MM_HINT_T0);
            __m256 q0, q1, q2, q3;
            if (w->type == Q8_0) {
                q0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p + 2))));
                q1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p + 10))));
                q2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p + 18))));
                q3 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p + 26))));
            } else {
                __m256i v0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p + off)));
                __m256i v1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p + off + 8)));
                q0 = _mm256_cvtepi32_ps(_mm256_and_si256(v0, mask));
                q1 = _mm256_cvtepi32_ps(_mm256_and_si256(v1, mask));
                q2 = _mm256_cvtepi32_ps(_mm256_srli_epi32(v0, 4));
                q3 = _mm256_cvtepi32_ps(_mm256_srli_epi32(v1, 4));
            }
            __m256 t = _mm256_fmadd_ps(q1, x1, _mm256_mul_ps(q0, x0));
            t = _mm256_fmadd_ps(q3, x3, _mm256_fmadd_ps(q2, x2, t));
            float d = _cvtsh_ss(*(const uint16_t *)p);
            acc[r] = _mm256_fmadd_ps(t, _mm256_set1_ps(d), acc[r]);
            if (w->type != Q8_0) mins[r] += (off == 4 ? _cvtsh_ss(*(const uint16_t *)(p + 2)) : -8.0f * d) * xsum[i];
        }
    }
    for (int r = 0; r < ROWS; r++) out[r] = hsum256(acc[r]) + mins[r];
}
#else
#define ROWS 4
#endif

static void dot4_generic(const Mat *w, int row, const float *x, const float *xsum, float *out) {
    for (int r = 0; r < ROWS; r++) out[r] = dot_generic(w, row + r, x, xsum);
}

typedef void (*Dot4Fn)(const Mat *, int, const float *, const float *, float *);
static Dot4Fn dot4 = dot4_generic;

static int kernel_picked;
static void pick_int8_kernel(void);

static void pick_kernel(void) {
    if (kernel_picked) return;
    kernel_picked = 1;
#ifdef PG_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma"))
        dot4 = dot4_avx512;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma"))
        dot4 = dot4_avx2;
#endif
    pick_int8_kernel();
}

/* ------------------------------------------------------------------ int8 activations (Fast)
 * x is quantized per block of 32 as llama.cpp's Q8_1 is: dx = amax/127, q = round(x/dx), s = dx·Σq. A Q4 block
 * is then d·dx·Σ q_w·q_x + m·s (Q4_0: m = −8d), a Q8_0 one d·dx·Σ q_w·q_x, the sums over integers exact: the
 * whole product is w·x̂ for the rounded x̂. (Σx in float instead of s looks more exact and is worse: the
 * minimum, most of a Q4 weight's size, then meets the unrounded x and the rest the rounded one; the relative
 * error of one Q4_1 projection went from 0.7% to 2.2%.) */
static void quantize_input(const float *x, int k, int8_t *xq, float *dx, float *xs) {
    for (int b = 0; b < k / BLOCK; b++, x += BLOCK, xq += BLOCK) {
        float amax = 0.0f;
        for (int j = 0; j < BLOCK; j++) amax = fabsf(x[j]) > amax ? fabsf(x[j]) : amax;
        float d = amax / 127.0f, inv = d > 0.0f ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int j = 0; j < BLOCK; j++) {
            int q = (int)nearbyintf(x[j] * inv);
            xq[j] = (int8_t)q;
            sum += q;
        }
        dx[b] = d, xs[b] = d * (float)sum;
    }
}

static float dotq_generic(const Mat *w, int row, const int8_t *xq, const float *dx, const float *xs) {
    const int nb = w->k / BLOCK, bytes = block_bytes(w->type);
    const uint8_t *b = w->data + (size_t)row * nb * bytes;
    float sum = 0.0f;
    for (int i = 0; i < nb; i++, b += bytes, xq += BLOCK) {
        float d = f16(b);
        int t = 0;
        if (w->type == Q8_0) {
            const int8_t *q = (const int8_t *)(b + 2);
            for (int j = 0; j < BLOCK; j++) t += q[j] * xq[j];
            sum += d * dx[i] * (float)t;
        } else {
            const uint8_t *q = b + (w->type == Q4_1 ? 4 : 2);
            for (int j = 0; j < 16; j++) t += (q[j] & 15) * xq[j] + (q[j] >> 4) * xq[j + 16];
            float m = w->type == Q4_1 ? f16(b + 2) : -8.0f * d;
            sum += d * dx[i] * (float)t + m * xs[i];
        }
    }
    return sum;
}

static void dot4q_generic(const Mat *w, int row, const int8_t *xq, const float *dx, const float *xs, float *out) {
    for (int r = 0; r < ROWS; r++) out[r] = dotq_generic(w, row + r, xq, dx, xs);
}

#ifdef PG_X86
/* the 32 weights of a block as unsigned bytes (4-bit: q, low nibbles first), and x's signed bytes to match
 * (Q8_0: |w| and x with w's sign, as llama.cpp does for a u8·s8 product) */
#define Q_BLOCK_INT8(p, xb, wv, xv)                                                                          \
    do {                                                                                                    \
        if (w->type == Q8_0) {                                                                              \
            __m256i q8 = _mm256_loadu_si256((const __m256i *)((p) + 2));                                    \
            wv = _mm256_sign_epi8(q8, q8);                                                                  \
            xv = _mm256_sign_epi8(xb, q8);                                                                  \
        } else {                                                                                            \
            __m128i q4 = _mm_loadu_si128((const __m128i *)((p) + off));                                     \
            wv = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q4, 4), m4), _mm_and_si128(q4, m4));          \
            xv = xb;                                                                                        \
        }                                                                                                   \
    } while (0)

#define DOT4Q_BODY(DOT)                                                                                     \
    const int nb = w->k / BLOCK, bytes = block_bytes(w->type), off = w->type == Q4_1 ? 4 : 2;               \
    const uint8_t *b[ROWS];                                                                                 \
    __m256 acc[ROWS];                                                                                       \
    float mins[ROWS];                                                                                       \
    for (int r = 0; r < ROWS; r++) {                                                                        \
        b[r] = w->data + (size_t)(row + r) * nb * bytes;                                                    \
        acc[r] = _mm256_setzero_ps();                                                                       \
        mins[r] = 0.0f;                                                                                     \
    }                                                                                                       \
    const __m128i m4 = _mm_set1_epi8(15);                                                                   \
    for (int i = 0; i < nb; i++) {                                                                          \
        const __m256i xb = _mm256_loadu_si256((const __m256i *)(xq + (size_t)i * BLOCK));                   \
        for (int r = 0; r < ROWS; r++) {                                                                    \
            const uint8_t *p = b[r] + (size_t)i * bytes;                                                    \
            _mm_prefetch((const char *)p + AHEAD, _MM_HINT_T0);                                             \
            __m256i wv, xv;                                                                                 \
            Q_BLOCK_INT8(p, xb, wv, xv);                                                                    \
            float d = _cvtsh_ss(*(const uint16_t *)p);                                                      \
            acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(DOT(wv, xv)), _mm256_set1_ps(d * dx[i]), acc[r]);   \
            if (w->type != Q8_0) mins[r] += (off == 4 ? _cvtsh_ss(*(const uint16_t *)(p + 2)) : -8.0f * d) * xs[i]; \
        }                                                                                                   \
    }                                                                                                       \
    for (int r = 0; r < ROWS; r++) out[r] = hsum256(acc[r]) + mins[r];

__attribute__((target("avx512f,avx512vl,avx512bw,avx512vnni,avx2,f16c,fma"))) static inline __m256i
dot_vnni(__m256i w, __m256i x) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, x);
}

__attribute__((target("avx2,f16c,fma"))) static inline __m256i dot_maddubs(__m256i w, __m256i x) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), _mm256_set1_epi16(1));
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx512vnni,avx2,f16c,fma"))) static void dot4q_vnni(
    const Mat *w, int row, const int8_t *xq, const float *dx, const float *xs, float *out) {
    DOT4Q_BODY(dot_vnni)
}

__attribute__((target("avx2,f16c,fma"))) static void dot4q_avx2(const Mat *w, int row, const int8_t *xq,
                                                                const float *dx, const float *xs, float *out) {
    DOT4Q_BODY(dot_maddubs)
}
#endif

typedef void (*Dot4qFn)(const Mat *, int, const int8_t *, const float *, const float *, float *);
static Dot4qFn dot4q = dot4q_generic;

static void pick_int8_kernel(void) {
#ifdef PG_X86
    if (dot4 == dot4_avx512 && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vnni"))
        dot4q = dot4q_vnni;
    else if (dot4 == dot4_avx512 || dot4 == dot4_avx2)
        dot4q = dot4q_avx2;
    else
        dot4q = dot4q_generic;
#else
    dot4q = dot4q_generic;
#endif
}

/* rows [first, last) of w·x into out[first..last); x's block sums (Exact) or its int8 blocks (Fast) are
 * the model's, made once per input by prepare_input */
static void matmul_rows(const Model *m, const Mat *w, int first, int last, const float *x, float *out) {
    int r = first;
    if (m->int8) {
        for (; r + ROWS <= last; r += ROWS) dot4q(w, r, m->xq, m->dx, m->xs, out + r);
        for (; r < last; r++) out[r] = dotq_generic(w, r, m->xq, m->dx, m->xs);
        return;
    }
    for (; r + ROWS <= last; r += ROWS) dot4(w, r, x, m->xsum, out + r);
    for (; r < last; r++) out[r] = dot_generic(w, r, x, m->xsum);
}

/* ------------------------------------------------------------------ threads */
static void run_range(Model *m, int index) {
    int per = (m->job_items + m->threads - 1) / m->threads;
    per = (per + m->job_align - 1) / m->job_align * m->job_align; /* matmuls: whole groups of rows */
    int first = index * per, last = first + per < m->job_items ? first + per : m->job_items;
    if (first < last) m->job(m, first, last);
}

typedef struct {
    Model *m;
    int index;
} WorkerArg;

#define SPIN_SECONDS 0.002

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *worker_main(void *p) {
    WorkerArg *arg = p;
    Model *m = arg->m;
    int index = arg->index, seen = 0;
    free(arg);
    for (;;) {
        int spins = 0;
        double since = now_seconds();
        while (atomic_load_explicit(&m->generation, memory_order_acquire) == seen && !atomic_load(&m->quit)) {
            /* spin through a step's phases and the caller's short work between steps, then sleep */
            if ((++spins & 63) || now_seconds() - since < SPIN_SECONDS) {
#ifdef PG_X86
                _mm_pause();
#endif
                continue;
            }
            pthread_mutex_lock(&m->lock);
            atomic_fetch_add(&m->sleeping, 1);
            while (atomic_load(&m->generation) == seen && !atomic_load(&m->quit)) pthread_cond_wait(&m->wake, &m->lock);
            atomic_fetch_sub(&m->sleeping, 1);
            pthread_mutex_unlock(&m->lock);
        }
        if (atomic_load(&m->quit)) return NULL;
        seen = atomic_load(&m->generation);
        run_range(m, index);
        atomic_fetch_add_explicit(&m->done, 1, memory_order_release);
    }
}

static void parallel(Model *m, JobFn job, int items, int align) {
    m->job = job;
    m->job_items = items;
    m->job_align = align;
    if (m->threads == 1) {
        job(m, 0, items);
        return;
    }
    atomic_store(&m->done, 0);
    atomic_fetch_add_explicit(&m->generation, 1, memory_order_release);
    if (atomic_load(&m->sleeping)) {
        pthread_mutex_lock(&m->lock);
        pthread_cond_broadcast(&m->wake);
        pthread_mutex_unlock(&m->lock);
    }
    run_range(m, 0);
    while (atomic_load_explicit(&m->done, memory_order_acquire) != m->threads - 1) {
#ifdef PG_X86
        _mm_pause();
#endif
    }
}

/* ------------------------------------------------------------------ the layer's pieces */
static void block_sums(const float *x, int k, float *out) {
    for (int b = 0; b < k / BLOCK; b++) {
        float s = 0.0f;
        for (int j = 0; j < BLOCK; j++) s += x[b * BLOCK + j];
        out[b] = s;
    }
}

/* what the matmuls over x need: its block sums (float32 activations) or its int8 blocks */
static void prepare_input(Model *m, const float *x, int k, int int8) {
    m->int8 = int8;
    if (int8)
        quantize_input(x, k, m->xq, m->dx, m->xs);
    else
        block_sums(x, k, m->xsum);
}

static void rms_norm(const float *x, const float *gamma, int n, float eps, float *out) {
    float ss = 0.0f;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    float scale = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) out[i] = x[i] * scale * gamma[i];
}

/* the part of rows [first, last) of a stack of matrices that falls in the one starting at row `base` */
static void matmul_part(const Model *m, const Mat *w, int base, int first, int last, const float *x, float *out) {
    int lo = first > base ? first : base, hi = last < base + w->n ? last : base + w->n;
    if (lo < hi) matmul_rows(m, w, lo - base, hi - base, x, out + base);
}

static void job_qkv(Model *m, int first, int last) { /* rows of q, then k, then v */
    const Layer *l = &m->layers[m->layer];
    matmul_part(m, &l->q, 0, first, last, m->xn, m->qkv);
    matmul_part(m, &l->k, l->q.n, first, last, m->xn, m->qkv);
    matmul_part(m, &l->v, l->q.n + l->k.n, first, last, m->xn, m->qkv);
}

static void job_matmul_o(Model *m, int first, int last) {
    matmul_rows(m, &m->layers[m->layer].o, first, last, m->att, m->y);
}

static void job_gate_up(Model *m, int first, int last) { /* gate and up of the same rows, then silu(gate)·up */
    const Layer *l = &m->layers[m->layer];
    matmul_rows(m, &l->gate, first, last, m->xn, m->y);
    matmul_rows(m, &l->up, first, last, m->xn, m->act);
    for (int r = first; r < last; r++) m->act[r] *= m->y[r] / (1.0f + expf(-m->y[r]));
}

static void job_down(Model *m, int first, int last) {
    matmul_rows(m, &m->layers[m->layer].down, first, last, m->act, m->y);
}

static void job_head(Model *m, int first, int last) {
    matmul_rows(m, &m->head, first, last, m->xn, m->logits);
}

/* rotate the adjacent pairs of llama.cpp's row order, then store in Hugging Face order: out[i], out[i+half] */
static void rope_unpermute(const Model *m, const float *in, float *out) {
    const int half = m->head_dim / 2;
    const float *c = m->cos + (size_t)m->pos * half, *s = m->sin + (size_t)m->pos * half;
    for (int i = 0; i < half; i++) {
        float a = in[2 * i], b = in[2 * i + 1];
        out[i] = a * c[i] - b * s[i];
        out[i + half] = b * c[i] + a * s[i];
    }
}

static void job_attention(Model *m, int first, int last) {
    const int hd = m->head_dim, group = m->n_head / m->n_head_kv, n = m->pos + 1;
    const float scale = 1.0f / sqrtf((float)hd);
    for (int h = first; h < last; h++) {
        const float *q = m->qkv + h * hd; /* rotated, HF order (written by step) */
        const float *kc = m->kcache[m->layer] + (size_t)(h / group) * m->capacity * hd;
        const float *vc = m->vcache[m->layer] + (size_t)(h / group) * m->capacity * hd;
        float *sc = m->scores + (size_t)h * m->context, best = -INFINITY, total = 0.0f;
        for (int t = 0; t < n; t++) {
            float s = 0.0f;
            for (int j = 0; j < hd; j++) s += q[j] * kc[(size_t)t * hd + j];
            sc[t] = s * scale;
            if (sc[t] > best) best = sc[t];
        }
        for (int t = 0; t < n; t++) total += (sc[t] = expf(sc[t] - best));
        float *out = m->att + h * hd;
        for (int j = 0; j < hd; j++) out[j] = 0.0f;
        for (int t = 0; t < n; t++) {
            float p = sc[t] / total;
            for (int j = 0; j < hd; j++) out[j] += p * vc[(size_t)t * hd + j];
        }
    }
}

static void embed_row(const Model *m, int token, float *out) {
    const Mat *e = &m->embed;
    const int nb = e->k / BLOCK, bytes = block_bytes(e->type);
    const uint8_t *b = e->data + (size_t)token * nb * bytes;
    for (int i = 0; i < nb; i++, b += bytes, out += BLOCK) {
        float d = f16(b);
        if (e->type == Q8_0) {
            for (int j = 0; j < BLOCK; j++) out[j] = d * (float)((const int8_t *)(b + 2))[j];
        } else {
            const uint8_t *q = b + (e->type == Q4_1 ? 4 : 2);
            float mn = e->type == Q4_1 ? f16(b + 2) : -8.0f * d;
            for (int j = 0; j < 16; j++) {
                out[j] = d * (float)(q[j] & 15) + mn;
                out[j + 16] = d * (float)(q[j] >> 4) + mn;
            }
        }
    }
}

/* ------------------------------------------------------------------ the API (ctypes) */
/* cfg: n_layer, n_embd, n_ff, n_head, n_head_kv, head_dim, vocab, context, threads, fast (int8 activations).
 * mats: (pointer, type) for embed, head, then per layer q, k, v, o, gate, up, down.
 * norms: output_norm, then per layer attn_norm, ffn_norm (float32). */
Model *pg_new(const int *cfg, float eps, const float *cos, const float *sin, const void **mats, const int *types,
              const float **norms) {
    pick_kernel();
    if (cfg[5] > 512 || cfg[5] % 2 || cfg[3] % cfg[4] || cfg[1] % BLOCK || cfg[2] % BLOCK) return NULL;
    Model *m = calloc(1, sizeof(Model));
    if (!m) return NULL;
    m->n_layer = cfg[0], m->n_embd = cfg[1], m->n_ff = cfg[2], m->n_head = cfg[3], m->n_head_kv = cfg[4];
    m->head_dim = cfg[5], m->vocab = cfg[6], m->context = cfg[7], m->threads = cfg[8] > 0 ? cfg[8] : 1;
    m->fast = cfg[9];
    m->eps = eps, m->cos = cos, m->sin = sin, m->out_norm = norms[0];
    const int e = m->n_embd, q = m->n_head * m->head_dim, kv = m->n_head_kv * m->head_dim;
    m->embed = (Mat){mats[0], types[0], e, m->vocab};
    m->head = (Mat){mats[1], types[1], e, m->vocab};
    m->layers = calloc((size_t)m->n_layer, sizeof(Layer));
    for (int i = 0; i < m->n_layer; i++) {
        const void **p = mats + 2 + 7 * i;
        const int *t = types + 2 + 7 * i;
        Layer *l = &m->layers[i];
        l->q = (Mat){p[0], t[0], e, q}, l->k = (Mat){p[1], t[1], e, kv}, l->v = (Mat){p[2], t[2], e, kv};
        l->o = (Mat){p[3], t[3], q, e}, l->gate = (Mat){p[4], t[4], e, m->n_ff};
        l->up = (Mat){p[5], t[5], e, m->n_ff}, l->down = (Mat){p[6], t[6], m->n_ff, e};
        l->attn_norm = norms[1 + 2 * i], l->ffn_norm = norms[2 + 2 * i];
    }
    const int widest = e > q ? (e > m->n_ff ? e : m->n_ff) : (q > m->n_ff ? q : m->n_ff);
    m->x = calloc((size_t)e, 4), m->xn = calloc((size_t)widest, 4), m->qkv = calloc((size_t)(q + 2 * kv), 4);
    m->att = calloc((size_t)q, 4), m->act = calloc((size_t)m->n_ff, 4), m->y = calloc((size_t)widest, 4);
    m->xq = calloc((size_t)widest, 1), m->dx = calloc((size_t)widest / BLOCK + 1, 4);
    m->xs = calloc((size_t)widest / BLOCK + 1, 4);
    m->xsum = calloc((size_t)widest / BLOCK + 1, 4), m->scores = calloc((size_t)m->n_head * m->context, 4);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    m->workers = calloc((size_t)m->threads, sizeof(pthread_t));
    for (int i = 1; i < m->threads; i++) {
        WorkerArg *arg = malloc(sizeof(WorkerArg));
        arg->m = m, arg->index = i;
        if (pthread_create(&m->workers[i], NULL, worker_main, arg) != 0) {
            free(arg);
            m->threads = i; /* run with the ones that started */
            break;
        }
    }
    return m;
}

void pg_free(Model *m) {
    if (!m) return;
    atomic_store(&m->quit, 1);
    pthread_mutex_lock(&m->lock);
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
    for (int i = 1; i < m->threads; i++) pthread_join(m->workers[i], NULL);
    free(m->workers), free(m->layers), free(m->x), free(m->xn), free(m->qkv), free(m->att), free(m->act);
    free(m->y), free(m->xsum), free(m->scores), free(m->xq), free(m->dx), free(m->xs);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m);
}

/* The token at position `pos` (the cache holds positions 0..pos-1): writes its keys and values at pos and
 * the next token's logits (vocab floats). Returns 0, or -1 for a position outside the cache. */
int pg_step(Model *m, int token, int pos, float **kcache, float **vcache, int capacity, float *logits) {
    if (pos < 0 || pos >= capacity || pos >= m->context || token < 0 || token >= m->vocab) return -1;
    const int e = m->n_embd, hd = m->head_dim, q = m->n_head * hd, kv = m->n_head_kv * hd;
    m->pos = pos, m->kcache = kcache, m->vcache = vcache, m->capacity = capacity, m->logits = logits;
    embed_row(m, token, m->x);
    float rotated[512];
    for (int i = 0; i < m->n_layer; i++) {
        const Layer *l = &m->layers[i];
        m->layer = i;
        rms_norm(m->x, l->attn_norm, e, m->eps, m->xn);
        prepare_input(m, m->xn, e, m->fast);
        parallel(m, job_qkv, q + 2 * kv, ROWS);
        for (int h = 0; h < m->n_head; h++) { /* q in place */
            rope_unpermute(m, m->qkv + h * hd, rotated);
            memcpy(m->qkv + h * hd, rotated, (size_t)hd * 4);
        }
        for (int h = 0; h < m->n_head_kv; h++) {
            float *kdst = kcache[i] + ((size_t)h * capacity + pos) * hd;
            float *vdst = vcache[i] + ((size_t)h * capacity + pos) * hd;
            rope_unpermute(m, m->qkv + q + h * hd, kdst);
            memcpy(vdst, m->qkv + q + kv + h * hd, (size_t)hd * 4);
        }
        parallel(m, job_attention, m->n_head, 1);
        prepare_input(m, m->att, q, m->fast);
        parallel(m, job_matmul_o, e, ROWS);
        for (int j = 0; j < e; j++) m->x[j] += m->y[j];
        rms_norm(m->x, l->ffn_norm, e, m->eps, m->xn);
        prepare_input(m, m->xn, e, m->fast);
        parallel(m, job_gate_up, m->n_ff, ROWS);
        prepare_input(m, m->act, m->n_ff, m->fast);
        parallel(m, job_down, e, ROWS);
        for (int j = 0; j < e; j++) m->x[j] += m->y[j];
    }
    rms_norm(m->x, m->out_norm, e, m->eps, m->xn);
    /* Fast's head reads float32 too: int8 there cost +0.2% perplexity (9,435 ids: +0.37% → +0.15% of
     * float32's) for ~3% of the speed, and its logits are the probabilities the app shows */
    prepare_input(m, m->xn, e, 0);
    parallel(m, job_head, m->vocab, ROWS);
    return 0;
}

/* Run `kernel` (2 AVX-512, 1 AVX2, 0 portable C; -1 the best this CPU has) from now on, where the CPU has it;
 * returns the one that runs (tests compare the three) */
int pg_kernel(void);
int pg_set_kernel(int kernel) {
    pick_kernel();
    if (kernel < 0) {
        kernel_picked = 0;
        pick_kernel();
    } else if (kernel == 0) {
        dot4 = dot4_generic;
    }
#ifdef PG_X86
    else if (kernel == 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma"))
        dot4 = dot4_avx2;
    else if (kernel == 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma"))
        dot4 = dot4_avx512;
#endif
    pick_int8_kernel();
    return pg_kernel();
}

/* which int8 kernel Fast runs: 3 AVX-512 VNNI, 1 AVX2, 0 portable C */
int pg_int8_kernel(void) {
    pick_kernel();
#ifdef PG_X86
    return dot4q == dot4q_vnni ? 3 : dot4q == dot4q_avx2 ? 1 : 0;
#else
    return 0;
#endif
}

/* which kernel runs: 2 AVX-512, 1 AVX2, 0 portable C */
int pg_kernel(void) {
#ifdef PG_X86
    return dot4 == dot4_avx512 ? 2 : dot4 == dot4_avx2 ? 1 : 0;
#else
    return 0;
#endif
}
