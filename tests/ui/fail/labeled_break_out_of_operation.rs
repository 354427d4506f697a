// The operation is one try: it cannot leave a loop around the macro. To stop retrying, return an
// error that `on` answers with `Decision::GiveUp`, or set a flag and test it after the macro.
fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    'outer: loop {
        let _ = stamina::retry!(on = |_: &()| true, {
            if true {
                break 'outer;
            }
            op()
        });
    }
}
