// Command benchgen parks many goroutines (-n, default 125000) in assorted
// blocking states, each at a recursion depth of 20-40 frames, then says
// READY on stdout and sleeps, so tests/bench/run.sh can take one large
// SIGQUIT dump of it (GOTRACEBACK=all, kill -QUIT, stderr captured). With
// -pprof=FILE it writes a pprof debug=2 dump of itself instead and exits.
//
// What the goroutines wait on:
//
//   - sync.Mutex: a few hundred mutexes inside three struct types (ledger,
//     registry, connPool); each is held by a goroutine parked inside the
//     method that locked it, the waiters are parked in other methods.
//   - sync.RWMutex: catalogs write-locked by a parked goroutine; readers wait
//     in RLock, a few writers in Lock.
//   - sync.WaitGroup, sync.Cond, chan receive, chan send, select (with a
//     timer), time.Sleep, receive from a nil chan.
//   - IO wait: both ends of a few hundred TCP connections on 127.0.0.1.
//
// Every goroutine first recurses through a handful of recursive functions
// (a pointer walk, a mutually recursive parser, a retry loop, a fan-out with
// integer and string arguments, a middleware chain), switching between them
// at segment boundaries through (*job).descend. The shape of a stack (kind,
// pattern, depth) comes from a small set, so many goroutines share a stack,
// while the arguments (pointers, counters, ids) vary from goroutine to
// goroutine. Deterministic for a given -seed, apart from addresses.
//
// It binds only to 127.0.0.1. Stdlib only; Go 1.19.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	flagN       = flag.Int("n", 125000, "goroutines to park (including the 2 per -conns connection)")
	flagMutexes = flag.Int("mutexes", 300, "held sync.Mutexes, spread over three struct types")
	flagRW      = flag.Int("rwmutexes", 60, "write-held sync.RWMutexes")
	flagConns   = flag.Int("conns", 300, "loopback TCP connections; each parks 2 goroutines in IO wait")
	flagMinF    = flag.Int("min-frames", 20, "smallest stack depth, in frames")
	flagMaxF    = flag.Int("max-frames", 40, "largest stack depth, in frames")
	flagSeed    = flag.Int64("seed", 1, "random seed for kinds, patterns and depths")
	flagWait    = flag.Duration("wait", 0, "after parking, wait this long (running GC) so headers show \"N minutes\"")
	flagPprof   = flag.String("pprof", "", "write a pprof debug=2 dump to this file and exit (instead of READY)")
)

// ---------------------------------------------------------------- kinds

type kind int

const (
	kMutex kind = iota
	kRWRead
	kRWWrite
	kWaitGroup
	kChanRecv
	kChanSend
	kSelect
	kSleep
	kCond
	kNilChan
	numWeighted
	kIOServer
	kIOClient
	kHoldMutex
	kHoldRW
)

// weights, per mille, of the kinds chosen at random.
var weights = [numWeighted]int{
	kMutex:     300,
	kRWRead:    100,
	kRWWrite:   10,
	kWaitGroup: 80,
	kChanRecv:  150,
	kChanSend:  100,
	kSelect:    120,
	kSleep:     80,
	kCond:      40,
	kNilChan:   20,
}

// parkFrames is how many frames a kind adds below the recursion (park and
// the runtime frames), measured on Go 1.19 SIGQUIT dumps, so that the total
// depth of a stack is the one pickDepth chose.
var parkFrames = map[kind]int{
	kMutex: 10, kRWRead: 9, kRWWrite: 11, kWaitGroup: 9, kChanRecv: 7,
	kChanSend: 7, kSelect: 6, kSleep: 5, kCond: 8, kNilChan: 7,
	kIOServer: 12, kIOClient: 12, kHoldMutex: 7, kHoldRW: 6,
}

// ------------------------------------------------------------- resources

type node struct {
	id     int
	weight int
	next   *node
	label  string
}

type parser struct {
	src  string
	pos  int
	root *node
}

type request struct {
	method   string
	path     string
	attempts int
	deadline time.Time
}

type token uint16

// ledger, registry and connPool each hold their mutex inside a method
// (post, register, grow) and block there forever; balance, lookup and
// acquire wait for it.
type ledger struct {
	name     string
	balances map[string]int64
	mu       sync.Mutex
	release  chan struct{}
}

//go:noinline
func (l *ledger) post(account string, amount int64, locked chan<- struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[account] += amount
	close(locked)
	<-l.release // never closed
}

//go:noinline
func (l *ledger) balance(account string) int64 {
	l.mu.Lock()
	v := l.balances[account]
	l.mu.Unlock()
	return v
}

type registry struct {
	generation uint64
	mu         sync.Mutex
	services   map[int]*node
	release    chan struct{}
}

//go:noinline
func (r *registry) register(id int, n *node, locked chan<- struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[id] = n
	r.generation++
	close(locked)
	<-r.release // never closed
}

//go:noinline
func (r *registry) lookup(id int, gen uint64) *node {
	r.mu.Lock()
	n := r.services[id]
	r.mu.Unlock()
	if gen > r.generation {
		return nil
	}
	return n
}

type connPool struct {
	id      int
	free    []*node
	mu      sync.Mutex
	release chan struct{}
}

//go:noinline
func (p *connPool) grow(size int, locked chan<- struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = make([]*node, 0, size)
	close(locked)
	<-p.release // never closed
}

//go:noinline
func (p *connPool) acquire(timeout time.Duration, prio int) *node {
	p.mu.Lock()
	var n *node
	if len(p.free) > 0 {
		n = p.free[len(p.free)-1]
	}
	p.mu.Unlock()
	_ = timeout + time.Duration(prio)
	return n
}

// catalog is write-locked by rebuild; get waits in RLock, set in Lock.
type catalog struct {
	items   map[string]string
	mu      sync.RWMutex
	release chan struct{}
}

//go:noinline
func (c *catalog) rebuild(version int, locked chan<- struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items["version"] = fmt.Sprint(version)
	close(locked)
	<-c.release // never closed
}

//go:noinline
func (c *catalog) get(key string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items[key]
}

//go:noinline
func (c *catalog) set(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = value
}

type batch struct {
	id      int
	wg      sync.WaitGroup
	results []int
}

//go:noinline
func (b *batch) wait(timeout time.Duration) []int {
	b.wg.Wait()
	_ = timeout
	return b.results
}

type mailbox struct {
	in   chan *node
	out  chan *node
	quit chan struct{}
}

//go:noinline
func (m *mailbox) next() *node { return <-m.in }

//go:noinline
func (m *mailbox) deliver(n *node) { m.out <- n }

//go:noinline
func (m *mailbox) poll(timeout time.Duration) *node {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case n := <-m.in:
		return n
	case <-m.quit:
		return nil
	case <-t.C:
		return nil
	}
}

//go:noinline
func (m *mailbox) drainNil(c chan *node) *node { return <-c }

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

//go:noinline
func (q *queue) pop(prio int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v + prio
}

type session struct {
	id   int
	conn net.Conn
	buf  []byte
}

//go:noinline
func (s *session) readRequest(deadline time.Duration) (int, error) {
	_ = deadline
	return s.conn.Read(s.buf)
}

type client struct {
	id   int
	conn net.Conn
	buf  []byte
}

//go:noinline
func (c *client) awaitResponse(seq uint32) (int, error) {
	_ = seq
	return c.conn.Read(c.buf)
}

var (
	nodes     []*node
	parsers   []*parser
	requests  []*request
	tags      []string
	ledgers   []*ledger
	registrys []*registry
	pools     []*connPool
	catalogs  []*catalog
	batches   []*batch
	mailboxes []*mailbox
	queues    []*queue
	sessions  []*session
	clients   []*client
	keep      []interface{} // keeps listeners and connections reachable

	started sync.WaitGroup // counts goroutines about to block
)

// ------------------------------------------------------------- recursion

const (
	famWalk = iota
	famParse
	famRetry
	famFanout
	famChain
)

// patterns: the families a stack goes through, one per segment, deepest
// segment last.
var patterns = [][]int{
	{famWalk},
	{famParse, famWalk},
	{famRetry, famFanout, famWalk},
	{famChain, famParse},
	{famFanout, famRetry},
	{famWalk, famChain, famFanout, famParse},
	{famParse},
	{famRetry, famChain},
	{famFanout},
	{famChain, famWalk, famRetry},
}

type job struct {
	id      int
	kind    kind
	res     int // index of the resource of that kind
	pattern int
	seg     int // frames per segment
	depth   int // recursion frames (descend and families)
	locked  chan struct{}
}

var errGiveUp = errors.New("give up")

// descend starts a new segment: it picks the family for this depth.
//
//go:noinline
func (j *job) descend(level int) int {
	level--
	if level <= 0 {
		return j.park()
	}
	p := patterns[j.pattern]
	switch p[(level/j.seg)%len(p)] {
	case famWalk:
		return walk(nodes[(j.id*7+level)%len(nodes)], level, j)
	case famParse:
		return parsers[j.id%len(parsers)].parseExpr(level, token(j.id%97), j)
	case famRetry:
		if err := retry(level, time.Duration(level)*time.Millisecond, requests[j.id%len(requests)], j); err != nil {
			return -1
		}
		return 0
	case famFanout:
		return int(fanout(level, int64(j.id), int64(level*3), int64(j.res), tags[j.id%len(tags)], j))
	default:
		return chain(level, uint32(j.id), j)
	}
}

//go:noinline
func walk(n *node, level int, j *job) int {
	level--
	if level <= 0 {
		return j.park() + n.weight
	}
	if level%j.seg == 0 {
		return j.descend(level) + n.weight
	}
	// Using every argument after the call keeps it in its spill slot, so
	// the traceback prints it (with register arguments, unused ones print
	// as 0x0?).
	return walk(n.next, level, j) + n.weight + level + j.id
}

//go:noinline
func (p *parser) parseExpr(level int, tok token, j *job) int {
	level--
	if level <= 0 {
		return j.park() + int(tok)
	}
	if level%j.seg == 0 {
		return j.descend(level) + int(tok)
	}
	return p.parseTerm(level, uint8(level%5), p.root, j) + int(tok) + level + p.pos + j.id
}

//go:noinline
func (p *parser) parseTerm(level int, prec uint8, left *node, j *job) int {
	level--
	if level <= 0 {
		return j.park() + int(prec)
	}
	if level%j.seg == 0 {
		return j.descend(level) + left.weight
	}
	return p.parseExpr(level, token(prec)+token(p.pos), j)*2 + int(prec) + level + left.weight + j.res
}

//go:noinline
func retry(attempt int, backoff time.Duration, req *request, j *job) error {
	attempt--
	var r int
	switch {
	case attempt <= 0:
		r = j.park()
	case attempt%j.seg == 0:
		r = j.descend(attempt)
	default:
		if err := retry(attempt, backoff*2, req, j); err != nil {
			return fmt.Errorf("%s %s attempt %d after %v (job %d): %w", req.method, req.path, attempt, backoff, j.id, err)
		}
		return nil
	}
	if r < 0 {
		return errGiveUp
	}
	return nil
}

//go:noinline
func fanout(level int, a, b, c int64, tag string, j *job) int64 {
	level--
	if level <= 0 {
		return int64(j.park()) + a
	}
	if level%j.seg == 0 {
		return int64(j.descend(level)) + b
	}
	return fanout(level, b, c, a+b+c, tag, j) + int64(len(tag)) + a - b + c + int64(level) + int64(j.id)
}

// chain alternates with three middlewares, each one frame.
//
//go:noinline
func chain(level int, reqID uint32, j *job) int {
	level--
	if level <= 0 {
		return j.park()
	}
	if level%j.seg == 0 {
		return j.descend(level)
	}
	return middlewares[level%len(middlewares)](level, reqID+1, j) + level + int(reqID) + j.id
}

var middlewares []func(int, uint32, *job) int

func init() {
	middlewares = []func(int, uint32, *job) int{authMiddleware, logMiddleware, metricsMiddleware}
}

//go:noinline
func authMiddleware(level int, reqID uint32, j *job) int {
	level--
	if level <= 0 {
		return j.park()
	}
	return chain(level, reqID^0x5a5a, j) + level + int(reqID) + j.res
}

//go:noinline
func logMiddleware(level int, reqID uint32, j *job) int {
	level--
	if level <= 0 {
		return j.park()
	}
	return chain(level, reqID+7, j) + level - int(reqID) + j.id
}

//go:noinline
func metricsMiddleware(level int, reqID uint32, j *job) int {
	level--
	if level <= 0 {
		return j.park()
	}
	return chain(level, reqID*3, j) - level + int(reqID) + j.pattern
}

// ------------------------------------------------------------- blocking

// run is the goroutine's entry point.
//
//go:noinline
func (j *job) run() {
	j.descend(j.depth + 1)
}

// park blocks forever in the way the job's kind says.
//
//go:noinline
func (j *job) park() int {
	switch j.kind {
	case kMutex:
		switch j.res % 3 {
		case 0:
			return int(waitLedger(ledgers[j.res/3%len(ledgers)], tags[j.id%len(tags)]))
		case 1:
			if waitRegistry(registrys[j.res/3%len(registrys)], j.id) != nil {
				return 1
			}
			return 0
		default:
			if waitPool(pools[j.res/3%len(pools)], j.id%10) != nil {
				return 1
			}
			return 0
		}
	case kRWRead:
		return len(waitCatalogRead(catalogs[j.res%len(catalogs)], tags[j.id%len(tags)]))
	case kRWWrite:
		waitCatalogWrite(catalogs[j.res%len(catalogs)], tags[j.id%len(tags)], j.id)
	case kWaitGroup:
		return len(waitBatch(batches[j.res%len(batches)]))
	case kChanRecv:
		if recvMailbox(mailboxes[j.res%len(mailboxes)]) != nil {
			return 1
		}
	case kChanSend:
		sendMailbox(mailboxes[j.res%len(mailboxes)], nodes[j.id%len(nodes)])
	case kSelect:
		if pollMailbox(mailboxes[j.res%len(mailboxes)], j.id) != nil {
			return 1
		}
	case kSleep:
		throttle(time.Duration(j.id%1000) * time.Millisecond)
	case kCond:
		return waitQueue(queues[j.res%len(queues)], j.id%8)
	case kNilChan:
		if recvNil(mailboxes[j.res%len(mailboxes)]) != nil {
			return 1
		}
	case kIOServer:
		n, _ := serveSession(sessions[j.res])
		return n
	case kIOClient:
		n, _ := readClient(clients[j.res], uint32(j.id))
		return n
	case kHoldMutex:
		holdMutex(j)
	case kHoldRW:
		catalogs[j.res].rebuild(j.id, j.locked)
	}
	return 0
}

//go:noinline
func holdMutex(j *job) {
	switch j.res % 3 {
	case 0:
		ledgers[j.res/3].post(tags[j.id%len(tags)], int64(j.id), j.locked)
	case 1:
		registrys[j.res/3].register(j.id, nodes[j.id%len(nodes)], j.locked)
	default:
		pools[j.res/3].grow(j.id%64, j.locked)
	}
}

//go:noinline
func waitLedger(l *ledger, account string) int64 {
	started.Done()
	return l.balance(account)
}

//go:noinline
func waitRegistry(r *registry, id int) *node {
	started.Done()
	return r.lookup(id, uint64(id))
}

//go:noinline
func waitPool(p *connPool, prio int) *node {
	started.Done()
	return p.acquire(30*time.Second, prio)
}

//go:noinline
func waitCatalogRead(c *catalog, key string) string {
	started.Done()
	return c.get(key)
}

//go:noinline
func waitCatalogWrite(c *catalog, key string, v int) {
	started.Done()
	c.set(key, fmt.Sprint(v))
}

//go:noinline
func waitBatch(b *batch) []int {
	started.Done()
	return b.wait(time.Minute)
}

//go:noinline
func recvMailbox(m *mailbox) *node {
	started.Done()
	return m.next()
}

//go:noinline
func sendMailbox(m *mailbox, n *node) {
	started.Done()
	m.deliver(n)
}

//go:noinline
func pollMailbox(m *mailbox, id int) *node {
	started.Done()
	return m.poll(time.Duration(24*3600+id) * time.Second)
}

//go:noinline
func throttle(extra time.Duration) {
	started.Done()
	time.Sleep(24*time.Hour + extra)
}

//go:noinline
func waitQueue(q *queue, prio int) int {
	started.Done()
	return q.pop(prio)
}

//go:noinline
func recvNil(m *mailbox) *node {
	started.Done()
	var c chan *node
	return m.drainNil(c)
}

//go:noinline
func serveSession(s *session) (int, error) {
	started.Done()
	return s.readRequest(time.Hour)
}

//go:noinline
func readClient(c *client, seq uint32) (int, error) {
	started.Done()
	return c.awaitResponse(seq)
}

// ------------------------------------------------------------- set-up

func makeResources(r *rand.Rand) {
	nodes = make([]*node, 4096)
	for i := range nodes {
		nodes[i] = &node{id: i, weight: r.Intn(100), label: fmt.Sprintf("n%d", i)}
	}
	for i, n := range nodes {
		n.next = nodes[(i*31+7)%len(nodes)]
	}
	for i := 0; i < 64; i++ {
		parsers = append(parsers, &parser{src: fmt.Sprintf("expr-%d", i), pos: i, root: nodes[i*13%len(nodes)]})
	}
	methods := []string{"GET", "PUT", "POST", "DELETE"}
	for i := 0; i < 128; i++ {
		requests = append(requests, &request{method: methods[i%4], path: fmt.Sprintf("/api/v1/objects/%d", i), deadline: time.Now().Add(time.Hour)})
	}
	for i := 0; i < 50; i++ {
		tags = append(tags, fmt.Sprintf("tenant-%03d/shard-%d", i, i%7))
	}
	nm := (*flagMutexes + 2) / 3
	if nm < 1 {
		nm = 1
	}
	for i := 0; i < nm; i++ {
		ledgers = append(ledgers, &ledger{name: fmt.Sprint("ledger-", i), balances: map[string]int64{}, release: make(chan struct{})})
		registrys = append(registrys, &registry{services: map[int]*node{}, release: make(chan struct{})})
		pools = append(pools, &connPool{id: i, release: make(chan struct{})})
	}
	nrw := *flagRW
	if nrw < 1 {
		nrw = 1
	}
	for i := 0; i < nrw; i++ {
		catalogs = append(catalogs, &catalog{items: map[string]string{}, release: make(chan struct{})})
	}
	for i := 0; i < 200; i++ {
		b := &batch{id: i}
		b.wg.Add(1) // never Done
		batches = append(batches, b)
		mailboxes = append(mailboxes, &mailbox{in: make(chan *node), out: make(chan *node), quit: make(chan struct{})})
	}
	for i := 0; i < 50; i++ {
		q := &queue{}
		q.cond = sync.NewCond(&q.mu)
		queues = append(queues, q)
	}
}

// connect opens -conns loopback connections and keeps both ends.
func connect() {
	if *flagConns == 0 {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal("listen: %v", err)
	}
	keep = append(keep, ln)
	for i := 0; i < *flagConns; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			fatal("dial: %v", err)
		}
		s, err := ln.Accept()
		if err != nil {
			fatal("accept: %v", err)
		}
		keep = append(keep, c, s)
		clients = append(clients, &client{id: i, conn: c, buf: make([]byte, 512)})
		sessions = append(sessions, &session{id: i, conn: s, buf: make([]byte, 512)})
	}
}

// pickDepth picks a total stack depth in [-min-frames, -max-frames]: 80%
// from a few common values (so many stacks are identical), 20% anywhere,
// skewed to the shallow end. With the defaults the mean is about 24 frames,
// which makes 125000 goroutines about 400 MB of SIGQUIT dump.
func pickDepth(r *rand.Rand) int {
	lo, hi := *flagMinF, *flagMaxF
	span := hi - lo
	if r.Intn(10) < 8 {
		// offsets into the range, in 1/20ths, with their weights
		common := [...]struct{ at, w int }{{0, 5}, {1, 3}, {2, 4}, {4, 3}, {6, 2}, {10, 1}, {16, 1}, {20, 1}}
		x := r.Intn(20)
		for _, c := range common {
			if x < c.w {
				return lo + c.at*span/20
			}
			x -= c.w
		}
	}
	u := r.Float64()
	return lo + int(float64(span+1)*u*u*u)
}

func newJob(r *rand.Rand, id int, k kind, res int) *job {
	j := &job{id: id, kind: k, res: res}
	j.pattern = (int(k)*3 + r.Intn(3)) % len(patterns)
	j.seg = 4 + j.pattern%5
	// frames: run, its go-statement wrapper, runtime.goexit, the recursion
	// and the park frames (the "created by" line is not a frame).
	j.depth = pickDepth(r) - 3 - parkFrames[k]
	if j.depth < 2 {
		j.depth = 2
	}
	return j
}

//go:noinline
func spawnHolders(r *rand.Rand, id *int) {
	for i := 0; i < len(ledgers)*3; i++ {
		j := newJob(r, *id, kHoldMutex, i)
		j.locked = make(chan struct{})
		*id++
		go j.run()
		<-j.locked
	}
	for i := range catalogs {
		j := newJob(r, *id, kHoldRW, i)
		j.locked = make(chan struct{})
		*id++
		go j.run()
		<-j.locked
	}
}

//go:noinline
func spawnWorkers(r *rand.Rand, id *int, n int) {
	total := 0
	for _, w := range weights {
		total += w
	}
	for i := 0; i < n; i++ {
		x := r.Intn(total)
		k := kind(0)
		for x >= weights[k] {
			x -= weights[k]
			k++
		}
		var res int
		switch k {
		case kMutex:
			res = r.Intn(len(ledgers) * 3)
		default:
			res = r.Intn(1 << 20)
		}
		j := newJob(r, *id, k, res)
		*id++
		started.Add(1)
		go j.run()
	}
}

//go:noinline
func spawnConnReaders(r *rand.Rand, id *int) {
	for i := range sessions {
		for _, k := range []kind{kIOServer, kIOClient} {
			j := newJob(r, *id, k, i)
			*id++
			started.Add(1)
			go j.run()
		}
	}
}

func fatal(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "benchgen: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	flag.Parse()
	if *flagMinF < 12 || *flagMaxF < *flagMinF || *flagMaxF > 90 {
		fatal("need 12 <= -min-frames <= -max-frames <= 90")
	}
	if *flagConns*2 > *flagN {
		*flagConns = *flagN / 2
	}
	r := rand.New(rand.NewSource(*flagSeed))
	t0 := time.Now()
	makeResources(r)
	connect()
	id := 0
	spawnHolders(r, &id)
	spawnConnReaders(r, &id)
	spawnWorkers(r, &id, *flagN-2*len(sessions))
	started.Wait()
	// The last goroutines to call Done may not have parked yet.
	for i := 0; i < 20; i++ {
		runtime.Gosched()
		time.Sleep(50 * time.Millisecond)
	}
	if *flagWait > 0 {
		deadline := time.Now().Add(*flagWait)
		for time.Now().Before(deadline) {
			runtime.GC() // wait times are only recorded by the GC
			time.Sleep(5 * time.Second)
		}
		runtime.GC()
	}
	fmt.Printf("parked %d goroutines (%d total) in %v\n", id, runtime.NumGoroutine(), time.Since(t0).Round(time.Millisecond))
	if *flagPprof != "" {
		f, err := os.Create(*flagPprof)
		if err != nil {
			fatal("%v", err)
		}
		if err := pprof.Lookup("goroutine").WriteTo(f, 2); err != nil {
			fatal("write %s: %v", *flagPprof, err)
		}
		if err := f.Close(); err != nil {
			fatal("close %s: %v", *flagPprof, err)
		}
		fmt.Println("WROTE")
		return
	}
	fmt.Println("READY")
	os.Stdout.Sync()
	for {
		time.Sleep(24 * time.Hour)
	}
}
