package msg

// Go values to C and back. Every C allocation made for a call goes into a
// cArena that the call frees before it returns, and every C object libmsg
// returns is copied into Go values before it is freed: no C pointer
// outlives a call. (cgo's C.malloc and C.CString never return NULL; they
// abort the process when memory runs out.)

/*
#include <msg/msg.h>
#include <stdlib.h>
*/
import "C"

import (
	"strings"
	"time"
	"unsafe"
)

// cArena holds the C memory of one call's arguments.
type cArena struct{ ptrs []unsafe.Pointer }

func (a *cArena) free() {
	for _, p := range a.ptrs {
		C.free(p)
	}
	a.ptrs = nil
}

// str is s as a C string. C strings end at NUL, so a string holding one
// would reach libmsg cut short: it is refused, with msg-server's words.
func (a *cArena) str(s, field string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, &InvalidError{Field: field, Message: "strings must not contain U+0000"}
	}
	p := C.CString(s)
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	return p, nil
}

// optStr is like str, with nil for NULL.
func (a *cArena) optStr(s *string, field string) (*C.char, error) {
	if s == nil {
		return nil, nil
	}
	return a.str(*s, field)
}

// strs is a C array of C strings (NULL for an empty slice).
func (a *cArena) strs(ss []string, field string) (**C.char, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	arr := (**C.char)(C.malloc(C.size_t(len(ss)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(arr))
	items := unsafe.Slice(arr, len(ss))
	for i, s := range ss {
		p, err := a.str(s, field)
		if err != nil {
			return nil, err
		}
		items[i] = p
	}
	return arr, nil
}

// int64s is a C array of int64_t (NULL for an empty slice).
func (a *cArena) int64s(vs []int64) *C.int64_t {
	if len(vs) == 0 {
		return nil
	}
	arr := (*C.int64_t)(C.malloc(C.size_t(len(vs)) * C.size_t(unsafe.Sizeof(C.int64_t(0)))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(arr))
	items := unsafe.Slice(arr, len(vs))
	for i, v := range vs {
		items[i] = C.int64_t(v)
	}
	return arr
}

func fromCError(status C.int, e *C.msg_error) error {
	return newError(Status(status), C.GoString(&e.field[0]), C.GoString(&e.message[0]))
}

func goOptStr(p *C.char) *string {
	if p == nil {
		return nil
	}
	s := C.GoString(p)
	return &s
}

func fromCMessage(m *C.msg_message) Message {
	return Message{
		MessageID:      C.GoString(m.message_id),
		AccountID:      int64(m.account_id),
		SenderNumber:   C.GoString(m.sender_number),
		ReceiverNumber: C.GoString(m.receiver_number),
		Body:           goOptStr(m.body),
		CreatedAt:      time.UnixMicro(int64(m.created_at)).UTC(),
	}
}

func fromCPage(p *C.msg_page) *Page {
	items := unsafe.Slice(p.items, int(p.count))
	page := &Page{Items: make([]Message, len(items))}
	for i := range items {
		page.Items[i] = fromCMessage(&items[i])
	}
	if p.next_cursor != nil {
		page.NextCursor = C.GoString(p.next_cursor)
	}
	return page
}

func pageRequest(a *cArena, r PageRequest) (C.msg_page_request, error) {
	req := C.msg_page_request{limit: C.int64_t(r.Limit), cursor: nil}
	if r.Limit == 0 {
		req.limit = C.MSG_LIMIT_DEFAULT
	}
	if r.Cursor != "" {
		p, err := a.str(r.Cursor, "cursor")
		if err != nil {
			return req, err
		}
		req.cursor = p
	}
	return req, nil
}

// libmsg counts whole microseconds; a time.Time may fall between two. The
// exclusive bounds are rounded so that they select exactly the messages the
// exact time would: "after" down (UnixMicro floors), "before" up.
func microsAfter(t time.Time) int64 { return t.UnixMicro() }

func microsBefore(t time.Time) int64 {
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) {
		us++
	}
	return us
}

func cFilter(a *cArena, f Filter) (C.msg_filter, error) {
	var out C.msg_filter
	var err error
	out.account_ids = a.int64s(f.AccountIDs)
	out.account_id_count = C.size_t(len(f.AccountIDs))
	if out.message_ids, err = a.strs(f.MessageIDs, "message_id"); err != nil {
		return out, err
	}
	out.message_id_count = C.size_t(len(f.MessageIDs))
	if out.sender_numbers, err = a.strs(f.SenderNumbers, "sender_number"); err != nil {
		return out, err
	}
	out.sender_number_count = C.size_t(len(f.SenderNumbers))
	if out.receiver_numbers, err = a.strs(f.ReceiverNumbers, "receiver_number"); err != nil {
		return out, err
	}
	out.receiver_number_count = C.size_t(len(f.ReceiverNumbers))
	if !f.CreatedAfter.IsZero() {
		out.has_created_after = true
		out.created_after = C.int64_t(microsAfter(f.CreatedAfter))
	}
	if !f.CreatedBefore.IsZero() {
		out.has_created_before = true
		out.created_before = C.int64_t(microsBefore(f.CreatedBefore))
	}
	if f.Q != "" {
		if out.q, err = a.str(f.Q, "q"); err != nil {
			return out, err
		}
	}
	return out, nil
}
