// The comparison for the catalogue refresh (issue 11): what the machine allows for the same job,
// in a 25-line node script. It streams the dump, hashes it, finds the committee's rows by a byte
// search and JSON-parses only those.   node bench/catalogue-reference.mjs <url> <committee>
import { get } from 'node:http';
import { createHash } from 'node:crypto';

const [url, committee] = process.argv.slice(2);
const needle = Buffer.from(`"ownerCommittee":${JSON.stringify(committee)}`);
const hash = createHash('sha256');
const rows = [];
let carry = Buffer.alloc(0);
const take = (line) => line.includes(needle) && rows.push(JSON.parse(line.toString('utf8')));
get(url, (res) => {
  res.on('data', (chunk) => {
    hash.update(chunk);
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10, start)) {
      take(buffer.subarray(start, newline));
      start = newline + 1;
    }
    carry = buffer.subarray(start);
  });
  res.on('end', () => {
    if (carry.length > 0) take(carry);
    console.log(JSON.stringify({ status: res.statusCode, sha256: hash.digest('hex'), rows: rows.length }));
  });
});
