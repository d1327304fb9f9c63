import gdb, bisect
inf = gdb.selected_inferior()
def rd(a, n=8): return int.from_bytes(inf.read_memory(a, n).tobytes(), 'little')
def sym(n): return int(gdb.parse_and_eval("(long)&'%s'" % n))
pid = inf.pid
pm = []
try:
    for line in open('/tmp/perf-%d.map' % pid):
        a, s, nm = line.rstrip('\n').split(' ', 2)
        pm.append((int(a, 16), int(s, 16), nm))
except Exception as e:
    print('no perf map', e)
pm.sort(); starts = [x[0] for x in pm]
def jname(a):
    i = bisect.bisect_right(starts, a) - 1
    if i >= 0 and pm[i][0] <= a < pm[i][0] + pm[i][1]: return pm[i][2]
    return None
atab = sym('erts_atom_table')
def atom(t):
    if t & 0x3f != 0xb: return '?%x' % t
    ix = t >> 6
    seg = rd(atab + 120); page = rd(seg + 8 * (ix >> 10)); a = rd(page + 8 * (ix & 1023))
    ln = rd(a + 24, 2); return inf.read_memory(rd(a + 32), ln).tobytes().decode()
def pidtxt(t):
    if t & 0xf != 3: return '?%x' % t
    d = t >> 4
    return '<0.%d.%d> (15-bit num) / <0.%d.%d> (28-bit num)' % (d & 0x7fff, (d >> 15) & 0x1fff, d & 0xfffffff, d >> 28)
ns = rd(sym('erts_no_schedulers')); nd = rd(sym('erts_no_dirty_cpu_schedulers')); nio = rd(sym('erts_no_dirty_io_schedulers'))
base = rd(sym('erts_aligned_scheduler_data')); dbase = rd(sym('erts_aligned_dirty_cpu_scheduler_data')); iobase = rd(sym('erts_aligned_dirty_io_scheduler_data'))
print('schedulers', ns, 'dirty cpu', nd, 'dirty io', nio, 'frame_layout', rd(sym('erts_frame_layout'), 4), 'active_code_ix', rd(sym('the_active_code_index'), 4))
print('arrays normal %x dcpu %x dio %x' % (base, dbase, iobase))
cands = [S for S in range(64, 400000, 64) if rd(base + S + 0xb8) == 2 and rd(base + S + 0xc0) == 0]
print('stride candidates', cands[:5])
S = cands[0]
print('dio - dcpu = %d = %d strides' % (iobase - dbase, (iobase - dbase) // S))
esds = [('N', i, base + i * S) for i in range(ns)] + [('DC', i, dbase + i * S) for i in range(nd)] + [('DIO', i, iobase + i * S) for i in range(nio)]
bytid = {}
for k, i, e in esds:
    bytid[rd(e + 0x20)] = (k, i, e)
    print('%s[%d] esdp %x registers %x tid %x current_process %x type %d no %d dirty_no %d' % (k, i, e, rd(e), rd(e + 0x20), rd(e + 0xa8), rd(e + 0xb0, 4), rd(e + 0xb8), rd(e + 0xc0)))
def proc(cp):
    i = rd(cp); reg = rd(cp + 0x30)
    nm = atom(rd(reg + 0x20)) if reg else '-'
    print('    Process %x id %x %s reg %s htop %x stop %x fp %x heap %x hend %x' % (cp, i, pidtxt(i), nm, rd(cp + 0x50), rd(cp + 0x58), rd(cp + 0x60), rd(cp + 0x80), rd(cp + 0x88)))
def walk(fp, lim=12):
    out = []
    for _ in range(lim):
        if not fp: out.append('[fp=0]'); break
        nfp = rd(fp); ra = rd(fp + 8)
        out.append('%s' % (jname(ra) or hex(ra)))
        if nfp and nfp <= fp: out.append('[non-increasing]'); break
        fp = nfp
    return ' <- '.join(out)
for t in inf.threads():
    t.switch()
    fs = int(gdb.parse_and_eval('$fs_base')) & 0xffffffffffffffff
    rip = int(gdb.parse_and_eval('$rip')) & 0xffffffffffffffff
    rbx = int(gdb.parse_and_eval('$rbx')) & 0xffffffffffffffff
    rbp = int(gdb.parse_and_eval('$rbp')) & 0xffffffffffffffff
    rsp = int(gdb.parse_and_eval('$rsp')) & 0xffffffffffffffff
    r13 = int(gdb.parse_and_eval('$r13')) & 0xffffffffffffffff
    m = bytid.get(fs)
    print('LWP %d %s fs_base %x -> %s rip %x (%s)' % (t.ptid[1], t.name, fs, m[:2] if m else None, rip, jname(rip) or gdb.execute('info symbol 0x%x' % rip, to_string=True).strip()))
    if m:
        e = m[2]; cp = rd(e + 0xa8)
        print('    rbx %x registers %x rbx-registers %x r13 %x rsp %x rbp %x' % (rbx, rd(e), rbx - rd(e), r13, rsp, rbp))
        if cp:
            proc(cp)
            if jname(rip): print('    JIT leaf: r13==c_p %s, rsp==? stop; chain from rbp: %s' % (r13 == cp, walk(rbp)))
            cur = rd(cp + 0x1d8); ip = rd(cp + 0x100)
            mfa = '%s:%s/%d' % (atom(rd(cur)), atom(rd(cur + 8)), rd(cur + 16)) if cur else '-'
            sd = [hex(o) for o in range(0x200, 0x400, 8) if rd(cp + o) == e]
            print('    i %x (%s) current %s state %x scheduler_data at %s' % (ip, jname(ip) or gdb.execute('info symbol 0x%x' % ip, to_string=True).strip(), mfa, rd(cp + 0x280, 4), sd))
            st = rd(cp + 0x58); fpp = rd(cp + 0x60)
            print('    from c_p->stop: [stop]=%x [stop+8]=%s; chain from c_p->frame_pointer: %s' % (rd(st), jname(rd(st + 8)) or hex(rd(st + 8)), walk(fpp)))
