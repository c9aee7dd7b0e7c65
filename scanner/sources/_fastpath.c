/*
 * Compiled capture reader and bulk classifier for camscan (scanner.sources._fastpath).
 *
 * replay() reads the records of an uncompressed pcap or pcapng file and does, for every frame,
 * exactly what scanner/engine/dispatch.py's fast path does: untagged Ethernet frames with a
 * 20-byte IPv4 header update the (vlan, MAC, IP) sighting in the dispatcher's own
 * sightings.pairs dict (a new pair goes through sightings.see()), and their bulk -- UDP to
 * ports no decoder reads, pure ACKs, TCP directions the dispatcher marked uninteresting (False
 * in dispatcher.dirs) -- stops there. Every other frame is handed to the dispatcher's Python
 * code (_ipv4 or _frame) with dispatcher.frame_no set. All state therefore stays in the Python
 * objects, and the report is the one the pure-Python path gives (tests/speed prove it).
 *
 * At the first record or block the Python reader handles differently (damage, a second section,
 * a corrupt or oversized packet block), replay() stops and says where, and the Python reader
 * continues from there with the counts so far.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (4u << 20)
#define LT_ETHERNET 1
#define PAIR_CACHE 1024
#define DIR_CACHE 1024
#define MAX_LINKS 256

typedef struct {
    unsigned char raw[10]; /* source MAC, source IPv4 */
    PyObject *key;         /* (None, mac, ip) */
} PairSlot;

typedef struct {
    unsigned char raw[12]; /* source IPv4, destination IPv4, source port, destination port */
    PyObject *key;         /* (None, sip, sport, dip, dport) */
} DirSlot;

typedef struct {
    /* file */
    int fd;
    unsigned char *buf;
    size_t len, pos;
    long long base; /* file offset of buf[0] */
    int eof;
    /* dispatcher */
    PyObject *dispatcher, *sightings, *pairs, *see, *dirs, *ipv4, *general, *errors;
    PyObject *progress, *udp_table;
    PyObject *touch, *touched; /* a recording stream table's first-look hook and its record */
    unsigned char udp[8192]; /* port bitmap of the UDP decoders */
    unsigned char p2p[32];   /* first-byte bitmap of P2P payloads */
    /* counts */
    long long frame_no, frames, bytes, decode_errors, every;
    long long end; /* stop at the first record or block starting at or after this offset */
    int reached_end;
    PairSlot pair_cache[PAIR_CACHE];
    DirSlot dir_cache[DIR_CACHE];
} Ctx;

/* ---- file buffer ------------------------------------------------------------------------ */

/* Make at least `need` unread bytes available (fewer only at the end of the file). */
static int fill(Ctx *c, size_t need) {
    if (c->len - c->pos >= need || c->eof) return 0;
    if (c->pos) {
        memmove(c->buf, c->buf + c->pos, c->len - c->pos);
        c->base += (long long)c->pos;
        c->len -= c->pos;
        c->pos = 0;
    }
    while (c->len < need && !c->eof) {
        ssize_t got;
        Py_BEGIN_ALLOW_THREADS
        got = read(c->fd, c->buf + c->len, BUF_SIZE - c->len);
        Py_END_ALLOW_THREADS
        if (got < 0) {
            if (errno == EINTR) {
                if (PyErr_CheckSignals() < 0) return -1;
                continue;
            }
            PyErr_SetFromErrno(PyExc_OSError);
            return -1;
        }
        if (got == 0) c->eof = 1;
        c->len += (size_t)got;
    }
    return 0;
}

static inline size_t avail(Ctx *c) { return c->len - c->pos; }
static inline long long offset(Ctx *c) { return c->base + (long long)c->pos; }

static inline uint32_t u32(const unsigned char *p, int big) {
    return big ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
               : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static inline uint16_t u16(const unsigned char *p, int big) {
    return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* ---- calls into the dispatcher ---------------------------------------------------------- */

static int set_frame_no(Ctx *c) {
    PyObject *n = PyLong_FromLongLong(c->frame_no);
    if (n == NULL) return -1;
    int rc = PyObject_SetAttrString(c->dispatcher, "frame_no", n);
    Py_DECREF(n);
    return rc;
}

static int count_error(Ctx *c) {
    PyObject *old = PyObject_GetAttrString(c->dispatcher, "decode_errors");
    if (old == NULL) return -1;
    PyObject *one = PyLong_FromLong(1);
    PyObject *sum = one ? PyNumber_Add(old, one) : NULL;
    Py_DECREF(old);
    Py_XDECREF(one);
    if (sum == NULL) return -1;
    int rc = PyObject_SetAttrString(c->dispatcher, "decode_errors", sum);
    Py_DECREF(sum);
    return rc;
}

/* The dispatcher's tables, fetched again after any Python code ran (it may have replaced them). */
static int refresh(Ctx *c) {
    Py_XDECREF(c->pairs);
    Py_XDECREF(c->see);
    Py_XDECREF(c->dirs);
    Py_CLEAR(c->touch);
    Py_CLEAR(c->touched);
    c->pairs = PyObject_GetAttrString(c->sightings, "pairs");
    c->see = PyObject_GetAttrString(c->sightings, "see");
    c->dirs = PyObject_GetAttrString(c->dispatcher, "dirs");
    if (!(c->pairs && c->see && c->dirs)) return -1;
    /* a dict subclass that records what is looked at (scanner/sources/parallel.py): its storage
     * is read directly, and its _look(key) is called the first time a key is looked at */
    if (PyDict_Check(c->dirs) && !PyDict_CheckExact(c->dirs) &&
        PyObject_HasAttrString(c->dirs, "_look")) {
        c->touch = PyObject_GetAttrString(c->dirs, "_look");
        c->touched = c->touch ? PyObject_GetAttrString(c->dirs, "before") : NULL;
        if (c->touched == NULL || !PyDict_Check(c->touched)) return -1;
    }
    return 0;
}

/* After a call into Python: a frame error is counted (as the fast path's except clause does),
 * anything else propagates. */
static int settle(Ctx *c, PyObject *result) {
    if (result != NULL) {
        Py_DECREF(result);
        return refresh(c);
    }
    if (!PyErr_ExceptionMatches(c->errors)) return -1;
    PyErr_Clear();
    if (count_error(c) < 0) return -1;
    return refresh(c);
}

static int forward_general(Ctx *c, int linktype, double ts, const unsigned char *d, Py_ssize_t n) {
    if (set_frame_no(c) < 0) return -1;
    PyObject *r = PyObject_CallFunction(c->general, "idy#", linktype, ts, (const char *)d, n);
    return settle(c, r);
}

static int forward_ipv4(Ctx *c, double ts, const unsigned char *d, Py_ssize_t n) {
    if (set_frame_no(c) < 0) return -1;
    PyObject *r = PyObject_CallFunction(c->ipv4, "y#idOy#y#O", (const char *)d, n, 14, ts,
                                        Py_None, (const char *)d + 6, (Py_ssize_t)6,
                                        (const char *)d, (Py_ssize_t)6, Py_True);
    return settle(c, r);
}

/* mapping.get(key) for a mapping that is not exactly a dict (a tuple key is one argument) */
static PyObject *call_get(PyObject *mapping, PyObject *key) {
    PyObject *name = PyUnicode_InternFromString("get");
    if (name == NULL) return NULL;
    PyObject *v = PyObject_CallMethodOneArg(mapping, name, key);
    Py_DECREF(name);
    return v;
}

static inline unsigned mix(const unsigned char *p, int n) {
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static PyObject *pair_key(Ctx *c, const unsigned char *smac, const unsigned char *sip) {
    unsigned char raw[10];
    memcpy(raw, smac, 6);
    memcpy(raw + 6, sip, 4);
    PairSlot *slot = &c->pair_cache[mix(raw, 10) & (PAIR_CACHE - 1)];
    if (slot->key != NULL && memcmp(slot->raw, raw, 10) == 0) return slot->key;
    PyObject *key = Py_BuildValue("(Oy#y#)", Py_None, (const char *)smac, (Py_ssize_t)6,
                                  (const char *)sip, (Py_ssize_t)4);
    if (key == NULL) return NULL;
    Py_XDECREF(slot->key);
    slot->key = key;
    memcpy(slot->raw, raw, 10);
    return key;
}

static PyObject *dir_key(Ctx *c, const unsigned char *d, unsigned sport, unsigned dport) {
    unsigned char raw[12];
    memcpy(raw, d + 26, 8);
    raw[8] = d[34], raw[9] = d[35], raw[10] = d[36], raw[11] = d[37];
    DirSlot *slot = &c->dir_cache[mix(raw, 12) & (DIR_CACHE - 1)];
    if (slot->key != NULL && memcmp(slot->raw, raw, 12) == 0) return slot->key;
    PyObject *key = Py_BuildValue("(Oy#Iy#I)", Py_None, (const char *)d + 26, (Py_ssize_t)4,
                                  sport, (const char *)d + 30, (Py_ssize_t)4, dport);
    if (key == NULL) return NULL;
    Py_XDECREF(slot->key);
    slot->key = key;
    memcpy(slot->raw, raw, 12);
    return key;
}

/* seen = pairs.get((None, smac, sip)); seen[1] = ts, or see(None, smac, sip, ts, frame_no) */
static int sighting(Ctx *c, double ts, const unsigned char *d) {
    PyObject *key = pair_key(c, d + 6, d + 26);
    if (key == NULL) return -1;
    PyObject *seen;
    if (PyDict_CheckExact(c->pairs)) {
        seen = PyDict_GetItemWithError(c->pairs, key);
        if (seen == NULL && PyErr_Occurred()) return -1;
        Py_XINCREF(seen);
    } else {
        seen = call_get(c->pairs, key);
        if (seen == NULL) return -1;
        if (seen == Py_None) Py_CLEAR(seen);
    }
    if (seen != NULL) {
        int rc = -1;
        PyObject *t = PyFloat_FromDouble(ts);
        if (t != NULL && PyList_CheckExact(seen) && PyList_GET_SIZE(seen) > 1) {
            PyObject *old = PyList_GET_ITEM(seen, 1);
            PyList_SET_ITEM(seen, 1, t);
            Py_DECREF(old);
            rc = 0;
        } else if (t != NULL) {
            PyObject *one = PyLong_FromLong(1);
            rc = one ? PyObject_SetItem(seen, one, t) : -1;
            Py_XDECREF(one);
            Py_DECREF(t);
        }
        Py_DECREF(seen);
        return rc;
    }
    if (d[26] == 0 && d[27] == 0 && d[28] == 0 && d[29] == 0) return 0;
    PyObject *r = PyObject_CallFunction(c->see, "Oy#y#dL", Py_None, (const char *)d + 6,
                                        (Py_ssize_t)6, (const char *)d + 26, (Py_ssize_t)4, ts,
                                        c->frame_no);
    if (r == NULL) return -1;
    Py_DECREF(r);
    return refresh(c);
}

/* 1 when dirs.get(key) is False */
static int dead_direction(Ctx *c, const unsigned char *d, unsigned sport, unsigned dport) {
    PyObject *key = dir_key(c, d, sport, dport);
    if (key == NULL) return -1;
    if (c->touch != NULL) {
        int known = PyDict_Contains(c->touched, key);
        if (known < 0) return -1;
        if (!known) {
            PyObject *r = PyObject_CallOneArg(c->touch, key);
            if (r == NULL) return -1;
            Py_DECREF(r);
        }
    }
    if (PyDict_CheckExact(c->dirs) || c->touch != NULL) {
        PyObject *v = PyDict_GetItemWithError(c->dirs, key);
        if (v == NULL && PyErr_Occurred()) return -1;
        return v == Py_False;
    }
    PyObject *v = call_get(c->dirs, key);
    if (v == NULL) return -1;
    int dead = v == Py_False;
    Py_DECREF(v);
    return dead;
}

/* The dispatcher's fast path, frame by frame (see dispatch.py Dispatcher._fast_path). */
static int frame(Ctx *c, int linktype, double ts, const unsigned char *d, Py_ssize_t n) {
    c->frame_no++;
    if (linktype != LT_ETHERNET || n < 34 || d[12] != 8 || d[13] || d[14] != 0x45)
        return forward_general(c, linktype, ts, d, n);
    if (sighting(c, ts, d) < 0) {
        if (!PyErr_Occurred() || !PyErr_ExceptionMatches(c->errors)) return -1;
        PyErr_Clear();
        return count_error(c);
    }
    if (!((d[20] & 0x3F) || d[21])) { /* not a fragment: ports at offset 34 */
        if (n < 38) return count_error(c); /* the fast path's IndexError */
        unsigned proto = d[23];
        unsigned sport = (unsigned)d[34] << 8 | d[35], dport = (unsigned)d[36] << 8 | d[37];
        if (proto == 17) {
            if (!(c->udp[dport >> 3] & (1 << (dport & 7))) &&
                !(c->udp[sport >> 3] & (1 << (sport & 7))) &&
                (n <= 42 || !(c->p2p[d[42] >> 3] & (1 << (d[42] & 7)))))
                return 0;
        } else if (proto != 6) {
            return 0;
        } else {
            Py_ssize_t total = (Py_ssize_t)d[16] << 8 | d[17];
            Py_ssize_t end = 14 + total < n ? 14 + total : n;
            if (n >= 48 && !(d[47] & 0x07) && end <= 34 + (d[46] >> 4) * 4) return 0; /* pure ACK */
            int dead = dead_direction(c, d, sport, dport);
            if (dead < 0) return -1;
            if (dead) return 0;
        }
    }
    return forward_ipv4(c, ts, d, n);
}

/* ---- pcap ------------------------------------------------------------------------------- */

static int tick(Ctx *c) {
    if (c->frames % 65536) return 0;
    if (PyErr_CheckSignals() < 0) return -1;
    if (c->progress != Py_None && c->every && !(c->frames % c->every)) {
        PyObject *r = PyObject_CallFunction(c->progress, "LL", offset(c), c->frames);
        if (r == NULL) return -1;
        Py_DECREF(r);
        return refresh(c);
    }
    return 0;
}

/* Returns the offset where Python must take over, -1 at a clean end, -2 on error. */
static long long read_pcap(Ctx *c, int big, double scale, int linktype, long long max_frame) {
    for (;;) {
        if (offset(c) >= c->end) {
            c->reached_end = 1;
            return offset(c);
        }
        if (fill(c, 16) < 0) return -2;
        if (avail(c) < 16) return avail(c) ? offset(c) : -1;
        const unsigned char *h = c->buf + c->pos;
        uint32_t sec = u32(h, big), frac = u32(h + 4, big), incl = u32(h + 8, big);
        if ((long long)incl > max_frame) return offset(c);
        if (fill(c, 16 + (size_t)incl) < 0) return -2;
        if (avail(c) < 16 + (size_t)incl) return offset(c);
        h = c->buf + c->pos;
        double ts = (double)sec + (double)frac * scale;
        c->pos += 16 + incl;
        c->frames++;
        c->bytes += incl;
        if (frame(c, linktype, ts, h + 16, (Py_ssize_t)incl) < 0) return -2;
        if (tick(c) < 0) return -2;
    }
}

/* ---- pcapng ----------------------------------------------------------------------------- */

#define SHB 0x0A0D0D0Au
#define IDB 1u
#define OPB 2u
#define SPB 3u
#define EPB 6u

typedef struct {
    int linktype;
    double scale;
    long long frames; /* read by replay() from this interface */
} Link;

static Link interface(const unsigned char *body, size_t size, int big) {
    Link link = {0xFFFF, 1e-6, 0};
    if (size < 12) return link;
    link.linktype = u16(body, big);
    size_t pos = 8, end = size - 4;
    while (pos + 4 <= end) {
        unsigned code = u16(body + pos, big), olen = u16(body + pos + 2, big);
        if (code == 0) break;
        if (code == 9 && olen >= 1 && pos + 5 <= end) {
            unsigned res = body[pos + 4], exp = res & 0x7F;
            link.scale = (res & 0x80) ? pow(2.0, -(double)exp) : pow(10.0, -(double)exp);
        }
        pos += 4 + ((olen + 3) & ~3u);
    }
    return link;
}

static long long read_pcapng(Ctx *c, int big, Link *links, int *nlinks, long long max_frame,
                             long long max_block, long long max_kept) {
    for (;;) {
        long long start = offset(c);
        if (start >= c->end) {
            c->reached_end = 1;
            return start;
        }
        if (fill(c, 8) < 0) return -2;
        if (avail(c) < 8) return avail(c) ? start : -1;
        const unsigned char *h = c->buf + c->pos;
        uint32_t btype = u32(h, big), blen = u32(h + 4, big);
        if (btype == SHB) return start;
        if (blen < 12 || blen % 4 || (long long)blen > max_block) return start;
        int kept = btype == IDB || btype == OPB || btype == SPB || btype == EPB;
        if (!kept) { /* skipped unread, as the Python reader does */
            if (blen <= BUF_SIZE && fill(c, blen) < 0) return -2;
            if (avail(c) >= blen) {
                c->pos += blen;
                continue;
            }
            long long left = (long long)blen - (long long)avail(c);
            off_t here = lseek(c->fd, 0, SEEK_CUR), size = lseek(c->fd, 0, SEEK_END);
            if (here < 0 || size < 0 || lseek(c->fd, here, SEEK_SET) < 0) return start;
            if ((long long)(size - here) < left) return start;
            c->base = here + left;
            c->len = c->pos = 0;
            if (lseek(c->fd, c->base, SEEK_SET) < 0) return start;
            continue;
        }
        if ((long long)blen > max_kept) return start;
        if (fill(c, blen) < 0) return -2;
        if (avail(c) < blen) return start;
        const unsigned char *body = c->buf + c->pos + 8;
        size_t size = blen - 8;
        if (btype == IDB) {
            if (*nlinks >= MAX_LINKS) return start;
            links[(*nlinks)++] = interface(body, size, big);
            c->pos += blen;
            continue;
        }
        int linktype;
        double ts;
        size_t at, caplen;
        if (btype == SPB) {
            if (*nlinks == 0 || size < 8) return start;
            size_t orig = u32(body, big);
            caplen = orig < size - 8 ? orig : size - 8;
            if ((long long)caplen > max_frame) caplen = (size_t)max_frame;
            linktype = links[0].linktype;
            links[0].frames++;
            ts = 0.0;
            at = 4;
        } else {
            if (size < 20) return start;
            uint32_t ifid, high, low;
            if (btype == EPB) {
                ifid = u32(body, big), high = u32(body + 4, big), low = u32(body + 8, big);
                caplen = u32(body + 12, big);
            } else {
                ifid = u16(body, big), high = u32(body + 4, big), low = u32(body + 8, big);
                caplen = u32(body + 12, big);
            }
            if ((int)ifid >= *nlinks || ifid >= MAX_LINKS || caplen > size - 20 ||
                (long long)caplen > max_frame)
                return start;
            linktype = links[ifid].linktype;
            links[ifid].frames++;
            ts = (double)((uint64_t)high << 32 | low) * links[ifid].scale;
            at = 20;
        }
        c->pos += blen;
        c->frames++;
        c->bytes += (long long)caplen;
        if (frame(c, linktype, ts, body + at, (Py_ssize_t)caplen) < 0) return -2;
        if (tick(c) < 0) return -2;
    }
}

/* ---- finding a record boundary ------------------------------------------------------------ */

#define SYNC_RECORDS 16   /* consecutive plausible records that make a boundary believable */
#define SYNC_WINDOW (1u << 20)

/* A plausible chain of SYNC_RECORDS pcap records (or the end of the file) starting at p. */
static int pcap_chain(const unsigned char *p, size_t left, int eof, int big, uint32_t frac_max,
                      long long max_frame) {
    for (int n = 0; n < SYNC_RECORDS; n++) {
        if (left == 0 && eof) return 1;
        if (left < 16) return 0;
        uint32_t frac = u32(p + 4, big), incl = u32(p + 8, big), orig = u32(p + 12, big);
        if (frac >= frac_max || (long long)incl > max_frame || orig < incl || incl < 14)
            return 0;
        if (left < 16 + (size_t)incl) return 0; /* cut: damage, or beyond what was read */
        p += 16 + incl;
        left -= 16 + incl;
    }
    return 1;
}

/* A plausible chain of pcapng blocks: known types, sane lengths, trailing length repeated. */
static int pcapng_chain(const unsigned char *p, size_t left, int eof, int big, long long max_kept) {
    for (int n = 0; n < SYNC_RECORDS; n++) {
        if (left == 0 && eof) return 1;
        if (left < 12) return 0;
        uint32_t btype = u32(p, big), blen = u32(p + 4, big);
        if (btype != EPB && btype != SPB && btype != OPB && btype != IDB) return 0;
        if (blen < 12 || blen % 4 || (long long)blen > max_kept || left < blen) return 0;
        if (u32(p + blen - 4, big) != blen) return 0;
        p += blen;
        left -= blen;
    }
    return 1;
}

PyDoc_STRVAR(sync_doc,
"sync(fd, offset, pcapng, big_endian, nanoseconds, max_frame, max_kept)\n"
"--\n\n"
"The first offset at or after `offset` where a believable chain of records (pcap) or packet\n"
"blocks (pcapng) starts, or None within 1 MiB. A guess: whoever uses it checks it against\n"
"the offset a reader reached from the start of the file.");

static PyObject *find_boundary(PyObject *self, PyObject *args) {
    (void)self;
    int fd, pcapng, big, nano;
    long long at, max_frame, max_kept;
    if (!PyArg_ParseTuple(args, "iLpppLL", &fd, &at, &pcapng, &big, &nano, &max_frame,
                          &max_kept))
        return NULL;
    size_t want = SYNC_WINDOW + (size_t)SYNC_RECORDS * (size_t)(max_kept + 16);
    unsigned char *buf = PyMem_RawMalloc(want);
    if (buf == NULL) return PyErr_NoMemory();
    ssize_t got = 0, n;
    Py_BEGIN_ALLOW_THREADS
    while ((size_t)got < want && (n = pread(fd, buf + got, want - (size_t)got, at + got)) > 0)
        got += n;
    Py_END_ALLOW_THREADS
    int eof = (size_t)got < want;
    PyObject *found = NULL;
    for (size_t i = 0; i < SYNC_WINDOW && i < (size_t)got; i++) {
        int ok = pcapng ? pcapng_chain(buf + i, (size_t)got - i, eof, big, max_kept)
                        : pcap_chain(buf + i, (size_t)got - i, eof, big,
                                     nano ? 1000000000u : 1000000u, max_frame);
        if (ok) {
            found = PyLong_FromLongLong(at + (long long)i);
            break;
        }
    }
    PyMem_RawFree(buf);
    if (found == NULL && !PyErr_Occurred()) Py_RETURN_NONE;
    return found;
}

/* ---- module ----------------------------------------------------------------------------- */

static int bitmap(PyObject *items, unsigned char *map, size_t bits) {
    PyObject *it = PyObject_GetIter(items);
    if (it == NULL) return -1;
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        long v = PyLong_AsLong(item);
        Py_DECREF(item);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(it);
            return -1;
        }
        if (v >= 0 && (size_t)v < bits) map[v >> 3] |= (unsigned char)(1 << (v & 7));
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

static void release(Ctx *c) {
    for (int i = 0; i < PAIR_CACHE; i++) Py_XDECREF(c->pair_cache[i].key);
    for (int i = 0; i < DIR_CACHE; i++) Py_XDECREF(c->dir_cache[i].key);
    Py_XDECREF(c->sightings);
    Py_XDECREF(c->pairs);
    Py_XDECREF(c->see);
    Py_XDECREF(c->dirs);
    Py_XDECREF(c->touch);
    Py_XDECREF(c->touched);
    Py_XDECREF(c->ipv4);
    Py_XDECREF(c->general);
    Py_XDECREF(c->udp_table);
    PyMem_RawFree(c->buf);
    PyMem_RawFree(c);
}

PyDoc_STRVAR(replay_doc,
"replay(fd, offset, pcapng, big_endian, scale, linktype, links, dispatcher, errors, progress,\n"
"       every, max_frame, max_block, max_kept, frame_no, counts, end=2**63-1)\n"
"--\n\n"
"Feed the records of the file `fd` from `offset` to the dispatcher; return (stop, frames,\n"
"bytes, frame_no, links, at_end): stop is None at a clean end of file, else the offset where\n"
"reading stopped: the first record starting at or after `end` (at_end True), or where the\n"
"Python reader must continue (at_end False); links are the pcapng interfaces known there, as\n"
"(link type, seconds per tick, frames read from it here). The list\n"
"`counts` is set to [frames, bytes, offset reached] however replay() ends (also on an error).");

static PyObject *replay(PyObject *self, PyObject *args) {
    (void)self;
    int fd, pcapng, big, linktype;
    long long start, every, max_frame, max_block, max_kept, frame_no;
    double scale;
    long long end = LLONG_MAX;
    PyObject *links_in, *dispatcher, *errors, *progress, *counts;
    if (!PyArg_ParseTuple(args, "iLppdiOOOOLLLLLO|L", &fd, &start, &pcapng, &big, &scale,
                          &linktype, &links_in, &dispatcher, &errors, &progress, &every,
                          &max_frame, &max_block, &max_kept, &frame_no, &counts, &end))
        return NULL;
    Ctx *c = PyMem_RawCalloc(1, sizeof(Ctx));
    if (c == NULL) return PyErr_NoMemory();
    c->buf = PyMem_RawMalloc(BUF_SIZE);
    if (c->buf == NULL) {
        PyMem_RawFree(c);
        return PyErr_NoMemory();
    }
    c->fd = fd;
    c->base = start;
    c->dispatcher = dispatcher;
    c->errors = errors;
    c->progress = progress;
    c->every = every;
    c->frame_no = frame_no;
    c->end = end;
    PyObject *result = NULL;
    Link links[MAX_LINKS];
    int nlinks = 0;
    c->sightings = PyObject_GetAttrString(dispatcher, "sightings");
    c->ipv4 = c->sightings ? PyObject_GetAttrString(dispatcher, "_ipv4") : NULL;
    c->general = c->ipv4 ? PyObject_GetAttrString(dispatcher, "_frame") : NULL;
    c->udp_table = c->general ? PyObject_GetAttrString(dispatcher, "udp") : NULL;
    PyObject *p2p = c->udp_table ? PyObject_GetAttrString(dispatcher, "p2p_first") : NULL;
    int ok = p2p != NULL && refresh(c) == 0 && bitmap(c->udp_table, c->udp, 65536) == 0 &&
             bitmap(p2p, c->p2p, 256) == 0;
    Py_XDECREF(p2p);
    if (ok) {
        Py_ssize_t k = PySequence_Size(links_in);
        for (Py_ssize_t i = 0; ok && i < k && i < MAX_LINKS; i++) {
            PyObject *pair = PySequence_GetItem(links_in, i);
            ok = pair && PyArg_ParseTuple(pair, "id", &links[i].linktype, &links[i].scale);
            links[i].frames = 0;
            Py_XDECREF(pair);
            nlinks = (int)i + 1;
        }
        if (k < 0) ok = 0;
    }
    if (ok && lseek(fd, (off_t)start, SEEK_SET) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        ok = 0;
    }
    if (ok) {
        long long stop = pcapng ? read_pcapng(c, big, links, &nlinks, max_frame, max_block,
                                              max_kept)
                                : read_pcap(c, big, scale, linktype, max_frame);
        if (stop != -2 && set_frame_no(c) == 0) {
            PyObject *known = PyList_New(nlinks);
            for (int i = 0; known && i < nlinks; i++) {
                PyObject *pair = Py_BuildValue("(idL)", links[i].linktype, links[i].scale,
                                               links[i].frames);
                if (pair == NULL) {
                    Py_CLEAR(known);
                    break;
                }
                PyList_SET_ITEM(known, i, pair);
            }
            if (known != NULL) {
                if (stop == -1)
                    result = Py_BuildValue("(OLLLNO)", Py_None, c->frames, c->bytes, c->frame_no,
                                           known, Py_False);
                else
                    result = Py_BuildValue("(LLLLNO)", stop, c->frames, c->bytes, c->frame_no,
                                           known, c->reached_end ? Py_True : Py_False);
            }
        }
    }
    /* what was read before any error, for the caller's counts (and a partial report) */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type != NULL) set_frame_no(c);
    PyErr_Clear();
    PyObject *done = Py_BuildValue("(LLL)", c->frames, c->bytes, offset(c));
    if (done == NULL || PySequence_SetSlice(counts, 0, PY_SSIZE_T_MAX, done) < 0) PyErr_Clear();
    Py_XDECREF(done);
    PyErr_Restore(type, value, tb);
    release(c);
    return result;
}

static PyMethodDef methods[] = {
    {"replay", replay, METH_VARARGS, replay_doc},
    {"sync", find_boundary, METH_VARARGS, sync_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastpath",
    "Compiled capture reader and bulk classifier (see scanner/sources/fast.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastpath(void) { return PyModule_Create(&module); }
