/* The BLT reader's papers section in C: one pass over the bytes, identical papers grouped in a hash table.

   An optional part of omov: blt_fast.py uses it when it was built (pip builds it where a C compiler is found)
   and otherwise does the same work with numpy. It reads exactly the plain papers that the numpy path reads and
   gives up (returns None) exactly where that path gives up, so the full parser then reads the file and names
   the line of any error. tests/count/test_blt_fast.py checks both against the full parser.

   scan(data, start, end, ncand) reads data[start:end], the papers section of a plain BLT file: lines of ASCII
   digits separated by spaces or tabs, ended by LF or CR LF, blank lines skipped. Each paper is
   "weight pref pref ... 0": at least two numbers, the last exactly "0", every number at most 18 digits, every
   preference a candidate's number 1..ncand named once. Returns (keys, totals, papers, heaviest): keys and
   totals are the bytes of two native int64 arrays, one entry per different ranking in order of first
   appearance (the key packs preference k, 0-based, into bits [k*b, (k+1)*b) with b = bit length of ncand), the
   totals the sum of that ranking's weights; papers is the number of lines read and heaviest the largest weight.
   Only for 1 <= ncand <= 63 // b (15 candidates), so that a whole ranking fits one key; None for anything else
   (a byte other than digits, spaces, tabs and line ends; a CR not before an LF; a line with one number; a last
   number other than "0"; a longer number; a preference 0, above ncand, or repeated; a total over 2**63 - 1).
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIGITS 18

typedef struct {
    uint64_t key;  /* the ranking's key + 1; 0 = an empty slot */
    int64_t group; /* its place in order of first appearance */
    int64_t total; /* the sum of its papers' weights */
} Slot;           /* one slot holds all a paper needs, so a paper costs one cache miss, not three */

typedef struct {
    Slot *slots;
    size_t mask;   /* capacity - 1 (capacity a power of two) */
    size_t groups;
} Table;

static int table_init(Table *t, size_t capacity)
{
    t->slots = calloc(capacity, sizeof *t->slots);
    t->mask = capacity - 1;
    t->groups = 0;
    return t->slots != NULL;
}

static inline size_t spot(uint64_t key, size_t mask)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & mask;
}

/* Double the hash table: every slot in use goes into the new one. */
static int table_grow(Table *t)
{
    size_t capacity = (t->mask + 1) * 2, mask = capacity - 1;
    Slot *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t j = 0; j <= t->mask; j++) {
        if (!t->slots[j].key)
            continue;
        size_t i = spot(t->slots[j].key - 1, mask);
        while (slots[i].key)
            i = (i + 1) & mask;
        slots[i] = t->slots[j];
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return 1;
}

/* Add `weight` to the group of `key`, making the group if it is new: 1, or 0 when the total would pass 2**63 - 1,
   or -1 when out of memory. */
static int table_add(Table *t, uint64_t key, int64_t weight)
{
    size_t i = spot(key, t->mask);
    for (;;) {
        Slot *s = &t->slots[i];
        if (s->key == key + 1)
            return __builtin_add_overflow(s->total, weight, &s->total) ? 0 : 1;
        if (!s->key) {
            s->key = key + 1;
            s->group = (int64_t)t->groups++;
            s->total = weight;
            if (t->groups * 2 > t->mask + 1)
                return table_grow(t) ? 1 : -1;
            return 1;
        }
        i = (i + 1) & t->mask;
    }
}

enum { OK = 0, NOT_PLAIN = 1, NO_MEMORY = 2 };

static int scan_papers(const unsigned char *p, const unsigned char *end, int ncand, Table *t,
                       int64_t *papers_out, int64_t *heaviest_out)
{
    const int bits = 64 - __builtin_clzll((unsigned long long)ncand);
    int64_t papers = 0, heaviest = 0;
    while (p < end) {
        /* one line: its numbers, in order; the first is the weight, the last must be "0" */
        int64_t weight = 0;
        uint64_t key = 0, seen = 0;
        int numbers = 0, prefs = 0;
        int64_t last_value = 0;
        int last_digits = 0;
        for (;;) {
            if (p == end || *p == '\n')
                break;
            unsigned char c = *p;
            if (c == ' ' || c == '\t') {
                p++;
                continue;
            }
            if (c == '\r') {
                if (p + 1 == end || p[1] != '\n')
                    return NOT_PLAIN; /* a lone CR ends a line for the full parser: not plain */
                p++;
                continue;
            }
            if (c < '0' || c > '9')
                return NOT_PLAIN;
            int64_t value = 0;
            int digits = 0;
            while (p < end && *p >= '0' && *p <= '9') {
                if (++digits > MAX_DIGITS)
                    return NOT_PLAIN;
                value = value * 10 + (*p - '0');
                p++;
            }
            if (numbers >= 2) {
                /* the number before this one was a preference, not the line's last */
                if (last_value < 1 || last_value > ncand || prefs >= ncand)
                    return NOT_PLAIN;
                uint64_t bit = UINT64_C(1) << last_value;
                if (seen & bit)
                    return NOT_PLAIN; /* a candidate named twice: the full parser decides what counts */
                seen |= bit;
                key |= (uint64_t)last_value << (bits * prefs);
                prefs++;
            } else if (numbers == 1) {
                weight = last_value;
            }
            last_value = value;
            last_digits = digits;
            numbers++;
        }
        if (p < end)
            p++; /* the LF */
        if (numbers == 0)
            continue; /* a blank line */
        if (numbers == 1)
            return NOT_PLAIN; /* a lone number: an early end of the papers, or a paper without its 0 */
        if (last_value != 0 || last_digits != 1)
            return NOT_PLAIN; /* the last number must be "0" */
        int added = table_add(t, key, weight);
        if (added <= 0)
            return added < 0 ? NO_MEMORY : NOT_PLAIN;
        papers++;
        if (weight > heaviest)
            heaviest = weight;
    }
    *papers_out = papers;
    *heaviest_out = heaviest;
    return OK;
}

static PyObject *scan(PyObject *self, PyObject *args)
{
    Py_buffer view;
    Py_ssize_t start, end;
    int ncand;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nni", &view, &start, &end, &ncand))
        return NULL;
    PyObject *result = NULL;
    if (start < 0 || end > view.len || start > end) {
        PyErr_SetString(PyExc_ValueError, "scan: start and end must lie within the data");
        goto done;
    }
    int bits = ncand > 0 ? 64 - __builtin_clzll((unsigned long long)ncand) : 0;
    if (ncand < 1 || ncand * bits > 63) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    Table t;
    /* a first guess at the room the table needs: one slot per 64 bytes, at least 4096 */
    size_t capacity = 4096;
    while (capacity < (size_t)(end - start) / 64)
        capacity *= 2;
    if (!table_init(&t, capacity)) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t papers = 0, heaviest = 0;
    int status;
    const unsigned char *data = (const unsigned char *)view.buf;
    Py_BEGIN_ALLOW_THREADS
    status = scan_papers(data + start, data + end, ncand, &t, &papers, &heaviest);
    Py_END_ALLOW_THREADS
    if (status == OK) {
        /* the groups in order of first appearance: each slot in use knows its place */
        PyObject *keys = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(t.groups * sizeof(int64_t)));
        PyObject *totals = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(t.groups * sizeof(int64_t)));
        if (keys && totals) {
            int64_t *k = (int64_t *)PyBytes_AS_STRING(keys), *w = (int64_t *)PyBytes_AS_STRING(totals);
            for (size_t j = 0; j <= t.mask; j++) {
                const Slot *slot = &t.slots[j];
                if (slot->key) {
                    k[slot->group] = (int64_t)(slot->key - 1);
                    w[slot->group] = slot->total;
                }
            }
            result = Py_BuildValue("(NNLL)", keys, totals, (long long)papers, (long long)heaviest);
        } else {
            Py_XDECREF(keys);
            Py_XDECREF(totals);
        }
    } else if (status == NOT_PLAIN) {
        result = Py_NewRef(Py_None);
    } else {
        PyErr_NoMemory();
    }
    free(t.slots);
done:
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(data, start, end, ncand) -> (keys, totals, papers, heaviest) or None: the plain papers of a BLT file, "
     "grouped (see the C source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_bltscan", "The BLT reader's papers section in C (optional; see blt_fast.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__bltscan(void)
{
    return PyModule_Create(&module);
}
