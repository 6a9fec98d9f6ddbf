#!/usr/bin/env python3
"""Generates the schema that io.skiff.api.codec.protobuf.ProtobufDecoder decodes with.

Both halves of it come from one kubectl binary, so they describe exactly the types that kubectl
encodes:

* the protobuf descriptors (field numbers, types, gogoproto nullable = Go pointer or value), which
  client-go registers: each k8s.io/.../generated.proto is in the binary as a gzipped
  FileDescriptorProto;
* the Go struct tags (json name, omitempty, inline), read from the Go runtime type data of the
  same binary (each struct type lists its fields with their tags).

The second half is what makes the JSON faithful: after decoding protobuf into a Go struct, the API
server sees what encoding/json would write for that struct, and that depends on omitempty, which
no .proto file records.

Usage:
  generate_schema.py [KUBECTL]           print the schema text
  generate_schema.py [KUBECTL] --java F  also write it as the Java source F

Only the Python standard library is used. Linux amd64 ELF binaries of kubectl built with Go 1.22+
are understood (the type layout read here is Go's internal/abi).
"""

import json
import os
import re
import struct
import subprocess
import sys
import zlib

DEFAULT_KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33'

# The generated.proto files whose messages the schema holds: the groups Skiff serves, the
# autoscaling/v1 Scale subresource, and what they import.
FILES = [
    'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
    'k8s.io/apimachinery/pkg/runtime/generated.proto',
    'k8s.io/apimachinery/pkg/api/resource/generated.proto',
    'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
    'k8s.io/api/core/v1/generated.proto',
    'k8s.io/api/apps/v1/generated.proto',
    'k8s.io/api/batch/v1/generated.proto',
    'k8s.io/api/policy/v1/generated.proto',
    'k8s.io/api/autoscaling/v1/generated.proto',
    'k8s.io/api/coordination/v1/generated.proto',
    'k8s.io/api/events/v1/generated.proto',
]

# Messages whose JSON form is custom (a MarshalJSON in Go); the decoder handles them by name, so
# their fields are listed by proto name, without Go tags.
SPECIAL = {
    'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
    'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
    'k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
    'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
    'k8s.io.apimachinery.pkg.apis.meta.v1.Timestamp',
    'k8s.io.apimachinery.pkg.runtime.RawExtension',
    'k8s.io.apimachinery.pkg.runtime.Unknown',
    'k8s.io.apimachinery.pkg.runtime.TypeMeta',
    'k8s.io.apimachinery.pkg.api.resource.Quantity',
    'k8s.io.apimachinery.pkg.api.resource.QuantityValue',
    'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
}

SCALARS = {1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 8: 'bool', 9: 'string',
           12: 'bytes', 13: 'uint32', 17: 'sint32', 18: 'sint64', 6: 'fixed64', 7: 'fixed32',
           15: 'sfixed32', 16: 'sfixed64'}
TYPE_MESSAGE = 11
LABEL_REPEATED = 3
GOGO_NULLABLE = 65001
GOGO_CUSTOMNAME = 65004

# Go reflect kinds (internal/abi.Kind)
KIND_PTR, KIND_SLICE, KIND_MAP, KIND_STRUCT = 22, 23, 21, 25


def fail(msg):
    sys.exit('generate_schema: ' + msg)


# ---- protobuf wire format -------------------------------------------------------------------

def uvarint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7f) << s
        s += 7
        if c < 0x80:
            return r, i


def wire_fields(b):
    i, out = 0, []
    while i < len(b):
        k, i = uvarint(b, i)
        num, wt = k >> 3, k & 7
        if wt == 0:
            v, i = uvarint(b, i)
        elif wt == 2:
            n, i = uvarint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            fail('unexpected wire type %d in a descriptor' % wt)
        out.append((num, v))
    return out


def parse_field(b):
    f = {'nullable': True, 'customname': None, 'type_name': None}
    for num, v in wire_fields(b):
        if num == 1:
            f['name'] = v.decode()
        elif num == 3:
            f['number'] = v
        elif num == 4:
            f['label'] = v
        elif num == 5:
            f['type'] = v
        elif num == 6:
            f['type_name'] = v.decode().lstrip('.')
        elif num == 8:
            for onum, ov in wire_fields(v):
                if onum == GOGO_NULLABLE:
                    f['nullable'] = bool(ov)
                elif onum == GOGO_CUSTOMNAME:
                    f['customname'] = ov.decode()
    return f


def parse_message(b, prefix, out):
    name, fields, nested, map_entry = None, [], [], False
    for num, v in wire_fields(b):
        if num == 1:
            name = v.decode()
        elif num == 2:
            fields.append(parse_field(v))
        elif num == 3:
            nested.append(v)
        elif num == 7:
            map_entry = any(onum == 7 and ov for onum, ov in wire_fields(v))
    full = prefix + '.' + name
    out.append({'name': full, 'fields': fields, 'map_entry': map_entry})
    for n in nested:
        parse_message(n, full, out)


def parse_file(b):
    d = {'messages': []}
    for num, v in wire_fields(b):
        if num == 1:
            d['name'] = v.decode()
        elif num == 2:
            d['package'] = v.decode()
    for num, v in wire_fields(b):
        if num == 4:
            parse_message(v, d['package'], d['messages'])
    return d


def descriptors(data):
    """Every gzipped FileDescriptorProto of a k8s.io generated.proto in the binary."""
    files = {}
    for m in re.finditer(b'\x1f\x8b\x08\x00\x00\x00\x00\x00', data):
        try:
            raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[m.start():m.start() + (4 << 20)])
        except zlib.error:
            continue
        if raw[:1] != b'\n' or b'generated.proto' not in raw[:120]:
            continue
        d = parse_file(raw)
        if d['name'].startswith('k8s.io/') and d['name'] not in files:
            files[d['name']] = d
    return files


# ---- Go runtime type data -----------------------------------------------------------------

class Binary:
    def __init__(self, data):
        self.data = data
        if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
            fail('not a 64-bit little-endian ELF binary')
        shoff, = struct.unpack_from('<Q', data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
        secs = []
        for i in range(shnum):
            name, typ, _flags, addr, off, size = struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize)
            secs.append([name, typ, addr, off, size])
        strtab = secs[shstrndx]
        self.sections = {}
        for s in secs:
            start = strtab[3] + s[0]
            s[0] = data[start:data.index(b'\0', start)].decode()
            self.sections[s[0]] = s
        if '.rodata' not in self.sections:
            fail('no .rodata section')
        self.rodata = self.sections['.rodata']

    def offset(self, vaddr):
        for _name, typ, addr, off, size in self.sections.values():
            if typ != 8 and addr and addr <= vaddr < addr + size:  # 8: SHT_NOBITS
                return off + vaddr - addr
        return None

    def name(self, vaddr):
        """An internal/abi.Name: flags, varint length, bytes, then (if flagged) the tag."""
        o = self.offset(vaddr)
        if o is None:
            return None
        flags = self.data[o]
        if flags & 0xf0:
            return None
        n, i = uvarint(self.data, o + 1)
        if not 0 < n < 256:
            return None
        text = self.data[i:i + n]
        if not re.fullmatch(rb'[A-Za-z_][A-Za-z0-9_]*', text):
            return None
        tag = ''
        if flags & 2:
            tl, j = uvarint(self.data, i + n)
            tag = self.data[j:j + tl].decode('utf-8', 'replace')
        return text.decode(), tag, bool(flags & 8)

    def type_string(self, off):
        o = self.offset(self.rodata[2] + off)
        if o is None:
            return ''
        n, i = uvarint(self.data, o + 1)
        return self.data[i:i + n].decode('utf-8', 'replace')

    def structs(self):
        """(package path, type name, [(field, tag, embedded, kind)]) of every struct type whose
        fields carry protobuf tags. A struct type is an abi.Type (48 bytes) followed by PkgPath
        (8) and the Fields slice header (pointer, len, cap), then, when TFlagUncommon is set, an
        abi.UncommonType whose first word is the package path's name offset."""
        d, ro = self.data, self.rodata
        lo, hi = ro[2], ro[2] + ro[4]
        found = []
        for off in range(ro[3], ro[3] + ro[4] - 32, 8):
            ptr, ln, cp = struct.unpack_from('<QQQ', d, off)
            if ln != cp or not 0 < ln <= 300 or not lo <= ptr < hi:
                continue
            fo = self.offset(ptr)
            fields = []
            for k in range(ln):
                name_ptr, type_ptr, _ = struct.unpack_from('<QQQ', d, fo + 24 * k)
                n = self.name(name_ptr)
                to = self.offset(type_ptr)
                if n is None or to is None:
                    fields = None
                    break
                fields.append((n[0], n[1], n[2], d[to + 23] & 0x1f))
            if not fields or not any('protobuf:"' in f[1] for f in fields):
                continue
            t = off - 56
            tflag, kind = d[t + 20], d[t + 23] & 0x1f
            if kind != KIND_STRUCT:
                continue
            str_off, = struct.unpack_from('<i', d, t + 40)
            tname = self.type_string(str_off)
            if tflag & 2:  # TFlagExtraStar
                tname = tname[1:]
            pkg = ''
            if tflag & 1:  # TFlagUncommon
                pkg_off, = struct.unpack_from('<i', d, t + 80)
                pkg = self.type_string(pkg_off)
            found.append((pkg, tname.rsplit('.', 1)[-1], fields))
        return found


def protobuf_tag(tag):
    m = re.search(r'protobuf:"([^"]*)"', tag)
    if not m:
        return None
    parts = m.group(1).split(',')
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    return int(parts[1])


def json_tag(tag):
    m = re.search(r'json:"([^"]*)"', tag)
    if not m:
        return None, set()
    parts = m.group(1).split(',')
    return parts[0], set(parts[1:])


# ---- schema ----------------------------------------------------------------------------------

def generate(kubectl):
    data = open(kubectl, 'rb').read()
    files = descriptors(data)
    missing = [f for f in FILES if f not in files]
    if missing:
        fail('no descriptor for ' + ', '.join(missing))
    binary = Binary(data)
    gostructs = {}
    for pkg, tname, fields in binary.structs():
        gostructs.setdefault((pkg, tname), []).append(fields)

    messages = {}
    for fname in FILES:
        for m in files[fname]['messages']:
            m['file'] = fname
            messages[m['name']] = m

    lines = ['# Generated by skiff-api/src/test/resources/protobuf/generate_schema.py from the',
             '# descriptors and Go struct tags in kubectl; do not edit.',
             '# message NAME, then one line a field: NUMBER JSON-NAME TYPE [FLAG...], the flags being',
             '#   ptr: a Go pointer (JSON has it iff protobuf does); keep: no omitempty;',
             '#   inline: an embedded struct whose fields are the parent\'s;',
             '#   slice: a Go slice type whose protobuf form is a message of repeated items',
             ]
    for fname in FILES:
        package = files[fname]['package']
        gopkg = os.path.dirname(fname)
        lines.append('package ' + package)
        for m in files[fname]['messages']:
            full = m['name']
            if m['map_entry']:
                continue
            simple = full[len(package) + 1:]
            lines.append('message ' + simple)
            if full in SPECIAL or (is_items(m) and (gopkg, simple) not in gostructs):
                for f in m['fields']:
                    lines.append('%d %s %s' % (f['number'], f['name'], type_of(f, package, messages)))
                continue
            if not m['fields']:
                continue
            candidates = gostructs.get((gopkg, simple), [])
            tagged = [c for c in candidates
                      if [(g, protobuf_tag(t)) for g, t, _e, _k in c if protobuf_tag(t) is not None]
                      == [(f['customname'] or f['name'][0].upper() + f['name'][1:], f['number']) for f in m['fields']]]
            variants = {tuple(c) for c in tagged}
            if len(variants) != 1:
                fail('%s: %d Go struct(s) match its descriptor' % (full, len(variants)))
            gofields = {protobuf_tag(t): (g, t, e, k) for g, t, e, k in tagged[0] if protobuf_tag(t) is not None}
            for f in m['fields']:
                g, tag, embedded, kind = gofields[f['number']]
                jname, opts = json_tag(tag)
                if jname == '-':
                    continue
                flags = []
                repeated = f['label'] == LABEL_REPEATED
                is_map = repeated and f['type'] == TYPE_MESSAGE and messages[f['type_name']]['map_entry']
                if repeated:
                    expected = KIND_MAP if is_map else KIND_SLICE
                    if kind != expected:
                        fail('%s.%s: Go kind %d, expected %d' % (full, f['name'], kind, expected))
                elif f['type'] == 12:  # bytes: []byte whatever gogoproto says
                    if kind != KIND_SLICE:
                        fail('%s.%s: bytes field is Go kind %d' % (full, f['name'], kind))
                elif kind == KIND_SLICE and f['type'] == TYPE_MESSAGE and is_items(messages[f['type_name']]):
                    # a named slice type (type Verbs []string): a message holding the items
                    flags.append('slice')
                else:
                    pointer = kind == KIND_PTR
                    if pointer != f['nullable']:
                        fail('%s.%s: gogoproto nullable=%s but Go kind %d' % (full, f['name'], f['nullable'], kind))
                    if pointer:
                        flags.append('ptr')
                if 'inline' in opts or (embedded and jname in (None, '')):
                    if f['type'] != TYPE_MESSAGE or repeated or f['nullable']:
                        fail('%s.%s: inline field is not an embedded struct' % (full, f['name']))
                    flags.append('inline')
                    jname = '-'
                elif 'omitempty' not in opts:
                    flags.append('keep')
                if not jname:
                    fail('%s.%s: no json name' % (full, f['name']))
                lines.append(' '.join(['%d %s %s' % (f['number'], jname, type_of(f, package, messages))] + flags))
    return '\n'.join(lines) + '\n'


def is_items(m):
    return len(m['fields']) == 1 and m['fields'][0]['name'] == 'items' and m['fields'][0]['label'] == LABEL_REPEATED


def type_of(f, package, messages):
    def ref(name):
        return name[len(package) + 1:] if name.startswith(package + '.') and '.' not in name[len(package) + 1:] else name

    if f['type'] == TYPE_MESSAGE:
        m = messages.get(f['type_name'])
        if m is None:
            fail('%s refers to %s, which is in none of FILES' % (f['name'], f['type_name']))
        if m['map_entry']:
            k, v = sorted(m['fields'], key=lambda x: x['number'])
            return 'map<%s,%s>' % (type_of(k, package, messages), type_of(v, package, messages))
        t = ref(f['type_name'])
    elif f['type'] in SCALARS:
        t = SCALARS[f['type']]
    else:
        fail('field %s has unsupported type %d' % (f['name'], f['type']))
    return '[]' + t if f['label'] == LABEL_REPEATED else t


JAVA_HEADER = '''package io.skiff.api.codec.protobuf;

/**
 * The protobuf schema of the Kubernetes types Skiff decodes: field numbers and types from the
 * descriptors kubectl %(version)s registers, JSON names and omitempty from its Go struct tags.
 *
 * <p>Generated by {@code skiff-api/src/test/resources/protobuf/generate_schema.py}; do not edit.
 * The descriptors derive from the Kubernetes project's generated.proto files (Apache License 2.0,
 * Copyright The Kubernetes Authors).
 */
final class KubernetesSchema {
  private KubernetesSchema() {}

  /** The schema text, in parts (a class file constant holds at most 65535 bytes). */
  static String[] parts() {
    return new String[] {%(refs)s};
  }
'''


def write_java(text, path, version):
    parts, cur = [], []
    size = 0
    for line in text.splitlines(keepends=True):
        if size + len(line) > 60000 and line.startswith('message '):
            parts.append(''.join(cur))
            cur, size = [], 0
        cur.append(line)
        size += len(line)
    parts.append(''.join(cur))
    out = [JAVA_HEADER % {'version': version, 'refs': ', '.join('PART%d' % i for i in range(len(parts)))}]
    for i, p in enumerate(parts):
        out.append('\n  private static final String PART%d =\n      """\n' % i)
        for line in p.splitlines():
            out.append('      ' + line + '\n')
        out.append('      """;\n')
    out.append('}\n')
    with open(path, 'w') as f:
        f.write(''.join(out))


def kubectl_version(kubectl):
    out = subprocess.run([kubectl, 'version', '--client', '-o', 'json'], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)['clientVersion']['gitVersion']


if __name__ == '__main__':
    args = sys.argv[1:]
    java = None
    if '--java' in args:
        i = args.index('--java')
        java = args[i + 1]
        del args[i:i + 2]
    kubectl = args[0] if args else DEFAULT_KUBECTL
    text = generate(kubectl)
    if java:
        write_java(text, java, kubectl_version(kubectl))
    sys.stdout.write(text)
