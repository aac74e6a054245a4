package sasl

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// cramPrefix marks the CRAM-MD5 field of a credentials line, as Dovecot writes it.
const cramPrefix = "{CRAM-MD5}"

// cramContext is a precomputed HMAC-MD5 key (RFC 2104) in Dovecot's
// CRAM-MD5 layout: the four MD5 chaining words after hashing the outer
// padded key block (K XOR opad), then the four after the inner block
// (K XOR ipad), each word little-endian. It is what `doveadm pw -s CRAM-MD5`
// prints in hex. From it HMAC-MD5(password, challenge) can be computed for
// any challenge without the password.
type cramContext [32]byte

// newCRAMContext derives the context of password (RFC 2104 §2: a key longer
// than the 64-byte block is first hashed).
func newCRAMContext(password []byte) cramContext {
	key := password
	if len(key) > md5.BlockSize {
		sum := md5.Sum(key)
		key = sum[:]
	}
	var ipad, opad [md5.BlockSize]byte
	copy(ipad[:], key)
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	var c cramContext
	putWords(c[:16], md5StateAfter(opad[:]))
	putWords(c[16:], md5StateAfter(ipad[:]))
	return c
}

// parseCRAMContext reads the hex digits after the "{CRAM-MD5}" prefix.
func parseCRAMContext(field string) (cramContext, error) {
	var c cramContext
	h := strings.TrimPrefix(field, cramPrefix)
	if len(h) != hex.EncodedLen(len(c)) {
		return c, fmt.Errorf("CRAM-MD5 context has %d hex digits, want %d", len(h), hex.EncodedLen(len(c)))
	}
	if _, err := hex.Decode(c[:], []byte(h)); err != nil {
		return c, fmt.Errorf("CRAM-MD5 context: %w", err)
	}
	return c, nil
}

// String returns the field as it is written in a credentials file.
func (c cramContext) String() string { return cramPrefix + hex.EncodeToString(c[:]) }

// digest returns HMAC-MD5(key, challenge) = MD5(K^opad || MD5(K^ipad || challenge)),
// resuming MD5 from the stored states instead of hashing the key blocks.
func (c cramContext) digest(challenge []byte) []byte {
	inner := md5Resume(words(c[16:]))
	inner.Write(challenge)
	outer := md5Resume(words(c[:16]))
	outer.Write(inner.Sum(nil))
	return outer.Sum(nil)
}

// verify reports, in constant time, whether digest is HMAC-MD5(key, challenge).
func (c cramContext) verify(challenge, digest []byte) bool {
	return hmac.Equal(c.digest(challenge), digest)
}

// md5Magic and the layout below are crypto/md5's documented
// encoding.BinaryMarshaler state: magic, four big-endian chaining words,
// the 64-byte pending block, and the big-endian length hashed so far.
const md5Magic = "md5\x01"

// md5StateAfter hashes exactly one block and returns the chaining words.
func md5StateAfter(block []byte) [4]uint32 {
	h := md5.New()
	h.Write(block)
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil || len(b) < len(md5Magic)+16 {
		panic(fmt.Sprintf("sasl: crypto/md5 state cannot be marshalled: %v", err))
	}
	var s [4]uint32
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[len(md5Magic)+4*i:])
	}
	return s
}

// md5Resume returns an MD5 hash that continues from chaining words s after
// one full block.
func md5Resume(s [4]uint32) hash.Hash {
	b := make([]byte, 0, len(md5Magic)+16+md5.BlockSize+8)
	b = append(b, md5Magic...)
	for _, w := range s {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	b = append(b, make([]byte, md5.BlockSize)...)
	b = binary.BigEndian.AppendUint64(b, md5.BlockSize)
	h := md5.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
		panic(fmt.Sprintf("sasl: crypto/md5 state cannot be restored: %v", err))
	}
	return h
}

func putWords(dst []byte, s [4]uint32) {
	for i, w := range s {
		binary.LittleEndian.PutUint32(dst[4*i:], w)
	}
}

func words(src []byte) [4]uint32 {
	var s [4]uint32
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(src[4*i:])
	}
	return s
}
